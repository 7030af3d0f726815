// expect: RangeError
// expect: end
globalThis.g = function (n) { return n ? (0, eval)('g(' + (n - 1) + ')') : 0; };
check(() => g(1e5));
