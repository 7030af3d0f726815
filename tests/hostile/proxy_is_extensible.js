// expect: RangeError | ok true
// expect: end
const p = proxyChain({}, 1e5);
check(() => Object.isExtensible(p));
