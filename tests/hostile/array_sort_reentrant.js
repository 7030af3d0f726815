// expect: RangeError
// expect: end
function cmp(x, y) { [2, 1].sort(cmp); return x - y; }
check(() => [2, 1].sort(cmp));
