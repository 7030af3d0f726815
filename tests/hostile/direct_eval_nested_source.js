// expect: RangeError
// expect: end
function f(n) { return n ? eval('((((((((((((((((((((f(n - 1)))))))))))))))))))))') : 0; }
check(() => f(1e5));
