// expect: RangeError
// expect: end
const o = { toString() { return String(o); } };
check(() => `${o}`);
