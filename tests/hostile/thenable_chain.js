// expect: end
// expect: resolved 1
let t = { then(r) { r(1); } };
for (let i = 0; i < 3e4; i++) { const prev = t; t = { then(r) { r(prev); } }; }
Promise.resolve(t).then((v) => console.log('resolved', v));
