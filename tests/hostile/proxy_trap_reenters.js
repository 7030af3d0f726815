// expect: RangeError
// expect: end
const p = new Proxy({}, { get(t, k, r) { return r[k]; } });
check(() => p.x);
