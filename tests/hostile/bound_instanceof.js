// expect: RangeError
// expect: end
const b = boundChain(function () {}, 3e4);
check(() => ({}) instanceof b);
