// expect: RangeError
// expect: end
const f = proxyChain(function () { return 1; }, 1e5);
check(() => f());
