// expect: RangeError
// expect: end
const f = function () {};
Object.setPrototypeOf(f, null);
const b = boundChain(f, 1e5);
check(() => ({}) instanceof b);
