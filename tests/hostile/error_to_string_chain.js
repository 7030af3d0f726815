// expect: RangeError
// expect: end
const e = new Error('m');
Object.defineProperty(e, 'name', { get() { return String(e); } });
check(() => String(e));
