// expect: RangeError
// expect: end
const o = { get x() { return this.x; } };
check(() => o.x);
