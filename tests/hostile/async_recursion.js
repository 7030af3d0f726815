// expect: end
// expect: RangeError
async function f(n) { return n ? await f(n - 1) : 0; }
f(1e5).then((v) => console.log('ok', v), (e) => console.log(e instanceof RangeError ? 'RangeError' : 'threw ' + e));
