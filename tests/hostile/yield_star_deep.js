// expect: RangeError
// expect: end
function* g(n) { if (n > 0) yield* g(n - 1); else yield 1; }
check(() => [...g(1e5)].length);
