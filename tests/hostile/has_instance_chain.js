// expect: RangeError
// expect: end
class C { static [Symbol.hasInstance](x) { return x instanceof C; } }
check(() => ({}) instanceof C);
