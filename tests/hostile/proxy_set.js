// expect: RangeError
// expect: end
const p = proxyChain({}, 1e5);
check(() => { p.x = 1; });
