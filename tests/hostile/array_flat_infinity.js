// expect: RangeError | ok object
// expect: end
const a = nestedArray(1e5);
check(() => a.flat(Infinity));
