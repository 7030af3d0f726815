// expect: RangeError
// expect: end
const o = { [Symbol.toPrimitive]() { return o + 1; } };
check(() => o + 1);
