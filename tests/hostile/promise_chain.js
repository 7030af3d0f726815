// expect: end
// expect: resolved 30000
let p = Promise.resolve(0);
for (let i = 0; i < 3e4; i++) p = p.then((x) => x + 1);
p.then((v) => console.log('resolved', v));
