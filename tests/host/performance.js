// performance.now() is a monotonic number of milliseconds from the time origin.
const a = performance.now();
let spin = 0;
for (let i = 0; i < 1e5; i++) spin += i;
const b = performance.now();
console.log(typeof a, typeof b, b >= a, a >= 0, a < 60000, spin > 0);
console.log(typeof performance.timeOrigin, performance.timeOrigin > 1.5e12);
console.log(Math.abs(performance.timeOrigin + performance.now() - Date.now()) < 1000);
console.log(typeof performance.toJSON().timeOrigin, Object.prototype.toString.call(performance));
// Inside a callback the loop's clock is fresh: a 20 ms timer waits 20 ms from here.
setTimeout(() => {
  const start = performance.now();
  setTimeout(() => console.log('waited at least 20 ms:', performance.now() - start >= 19), 20);
}, 1);
