// expect: RangeError
// expect: end
const f = proxyChain(function () {}, 1e5);
check(() => new f());
