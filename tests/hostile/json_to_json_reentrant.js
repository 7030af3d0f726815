// expect: RangeError
// expect: end
const o = { toJSON() { return JSON.stringify(o); } };
check(() => JSON.stringify(o));
