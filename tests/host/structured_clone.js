const original = {
  n: 1, s: 'str', b: true, nul: null, und: undefined, big: 10n, neg: -0,
  date: new Date(0), re: /ab+c/gi, map: new Map([[1, { one: 1 }], ['k', [1, 2]]]),
  set: new Set([1, 'two', { three: 3 }]), arr: [1, , 3], nested: { deep: { deeper: [1] } },
  boxed: [Object(1), Object('s'), Object(false)],
};
original.self = original;
original.shared = original.nested;
const copy = structuredClone(original);
console.log(copy !== original, copy.self === copy, copy.shared === copy.nested, copy.nested !== original.nested);
console.log(copy.n, copy.s, copy.b, copy.nul, copy.und, copy.big, Object.is(copy.neg, -0));
console.log(copy.date instanceof Date, copy.date.getTime(), copy.re instanceof RegExp, copy.re.source, copy.re.flags, copy.re.lastIndex);
console.log(copy.map instanceof Map, copy.map.get(1), copy.map.get('k'), copy.set instanceof Set, [...copy.set]);
console.log(copy.arr.length, 1 in copy.arr, copy.nested);
console.log(typeof copy.boxed[0], copy.boxed[0] + 1, String(copy.boxed[1]), copy.boxed[2].valueOf());
const buf = new ArrayBuffer(8);
const view = new Uint8Array(buf, 2, 4);
view.set([1, 2, 3, 4]);
const f64 = new Float64Array([1.5, -2]);
const c2 = structuredClone({ buf, view, f64, dv: new DataView(buf, 1, 3) });
console.log(c2.buf.byteLength, c2.view.byteOffset, c2.view.length, Array.from(c2.view), c2.view.buffer === c2.buf);
console.log(Array.from(c2.f64), c2.f64 instanceof Float64Array, c2.dv.byteOffset, c2.dv.byteLength, c2.dv.buffer === c2.buf);
view[0] = 99; console.log(c2.view[0]);
const err = new RangeError('bad range', { cause: 'why' });
const ce = structuredClone(err);
console.log(ce instanceof RangeError, ce.name, ce.message, ce.cause, ce.stack === err.stack, Object.keys(ce));
const te = new TypeError('t'); te.name = 'Custom';
console.log(structuredClone(te).name, structuredClone(te) instanceof TypeError);
class Point { constructor() { this.x = 1; } get y() { return 2; } }
const pc = structuredClone(new Point());
console.log(pc, pc instanceof Point, Object.getPrototypeOf(pc) === Object.prototype);
for (const bad of [function f() {}, Symbol('s'), new WeakMap(), Promise.resolve(), { a: () => 1 }]) {
  try { structuredClone(bad); } catch (e) { console.log(e.name, e.code, e.message, e instanceof DOMException, e instanceof Error); }
}
try { structuredClone(); } catch (e) { console.log(e.name); }
console.log(structuredClone(5), structuredClone('x'), structuredClone(null));
const transferred = new ArrayBuffer(4);
new Uint8Array(transferred)[0] = 7;
const moved = structuredClone({ b: transferred, view: new Uint8Array(transferred, 1) }, { transfer: [transferred] });
console.log(transferred.byteLength, moved.b.byteLength, new Uint8Array(moved.b)[0], moved.view.buffer === moved.b, moved.view.byteOffset);
try { structuredClone(1, { transfer: [{}] }); } catch (e) { console.log(e.name, e.message); }
const twice = new ArrayBuffer(2);
try { structuredClone(1, { transfer: [twice, twice] }); } catch (e) { console.log(e.name, e.message); }
try { structuredClone(1, { transfer: 5 }); } catch (e) { console.log(e.name, e.message); }
console.log(structuredClone(twice, { transfer: [] }).byteLength);
