// expect: RangeError
// expect: end
const a = nestedArray(1e5);
check(() => a.toLocaleString());
