// expect: RangeError
// expect: end
const p = proxyChain({ a: 1 }, 1e5);
check(() => { let n = 0; for (const k in p) n++; return n; });
