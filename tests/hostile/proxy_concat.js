// expect: RangeError
// expect: end
const p = proxyChain([1], 1e5);
check(() => [].concat(p));
