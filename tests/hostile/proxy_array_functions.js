// expect: RangeError
// expect: RangeError
// expect: RangeError
// expect: end
const p = proxyChain([1, [2]], 1e5);
check(() => Array.prototype.join.call(p));
check(() => Array.prototype.flat.call(p));
check(() => Array.from(p));
