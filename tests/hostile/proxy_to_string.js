// expect: RangeError
// expect: RangeError
// expect: RangeError
// expect: end
const p = proxyChain({}, 1e5);
check(() => String(p));
check(() => p + '');
check(() => Object.prototype.toString.call(p));
