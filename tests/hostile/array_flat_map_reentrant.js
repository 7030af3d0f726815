// expect: RangeError
// expect: end
function g(x) { return [x].flatMap(g); }
check(() => g(1));
