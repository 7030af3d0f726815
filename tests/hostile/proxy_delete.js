// expect: RangeError
// expect: end
const p = proxyChain({}, 1e5);
check(() => delete p.x);
