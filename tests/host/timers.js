// Timers, immediates and microtasks in Node's order.
console.log('sync start');
setTimeout(() => console.log('timeout 130'), 130);
setTimeout(() => console.log('timeout 120 a'), 120);
setTimeout(() => console.log('timeout 120 b'), 120);
setTimeout((a, b) => console.log('timeout args', a, b), 125, 'x', 'y');
setImmediate((x) => console.log('immediate', x), 'arg');
queueMicrotask(() => console.log('microtask 1'));
Promise.resolve().then(() => {
  console.log('promise 1');
  queueMicrotask(() => console.log('microtask from promise'));
});
const cancelled = setTimeout(() => console.log('never: cleared timeout'), 10);
clearTimeout(cancelled);
const immediate = setImmediate(() => console.log('never: cleared immediate'));
clearImmediate(immediate);
setTimeout(() => console.log('never: unref'), 5000).unref();
const t = setTimeout(() => {}, 1);
console.log(typeof t, t.hasRef(), typeof t.ref, typeof t.refresh);
clearTimeout(t);
let ticks = 0;
const interval = setInterval(() => {
  ticks++;
  console.log('interval', ticks);
  Promise.resolve().then(() => console.log('microtask after interval', ticks));
  if (ticks === 3) {
    clearInterval(interval);
    nested();
  }
}, 150);
function nested() {
  setTimeout(() => console.log('nested timeout 0'), 0);
  setTimeout(() => console.log('nested timeout 1'), 1);
  setTimeout(() => console.log('nested timeout -5'), -5);
  setTimeout(() => console.log('nested timeout NaN'), NaN);
  setImmediate(() => {
    console.log('nested immediate');
  });
  Promise.resolve().then(() => console.log('nested microtask'));
  setTimeout(() => {
    console.log('last timeout');
    setTimeout(() => console.log('after last'), '15');
  }, 50);
}
try {
  setTimeout('not a function', 1);
} catch (e) {
  console.log(e.name, e.code);
}
console.log('sync end');
