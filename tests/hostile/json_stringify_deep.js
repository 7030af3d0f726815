// expect: RangeError
// expect: RangeError
// expect: end
check(() => JSON.stringify(nestedObject(1e5)));
check(() => JSON.stringify(nestedArray(1e5)));
