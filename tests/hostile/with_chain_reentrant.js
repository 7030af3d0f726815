// expect: RangeError
// expect: end
function f(n) { with ({ n }) { return n ? f(n - 1) : 0; } }
check(() => f(1e5));
