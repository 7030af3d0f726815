// expect: RangeError
// expect: end
const o = { valueOf() { return +o; } };
check(() => o * 2);
