// expect: RangeError | ok object
// expect: end
const p = proxyChain({}, 1e5);
check(() => Object.getPrototypeOf(p));
