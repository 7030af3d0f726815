// expect: RangeError
// expect: end
function f(n) { return n ? new Function('f', 'n', 'return f(n - 1)')(f, n) : 0; }
check(() => f(1e5));
