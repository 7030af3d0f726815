// expect: RangeError | ok undefined
// expect: end
const p = proxyChain({}, 1e5);
check(() => p.x);
