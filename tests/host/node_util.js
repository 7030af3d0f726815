// require('util'): format and inspect as console.log, types, isDeepStrictEqual, promisify.
const util = require('util');
console.log(util.format('%s is %d and %i, %j %%', 'x', 42.5, 42.5, { a: [1] }), util.format(1, 'a', { b: 2 }));
console.log(util.inspect({ a: [1, 2, { b: { c: { d: 1 } } }], s: 'str' }), util.inspect('str'), util.inspect(new Map([[1, 2]])));
const t = util.types;
console.log(t.isDate(new Date()), t.isDate({}), t.isPromise(Promise.resolve()), t.isRegExp(/x/),
  t.isMap(new Map()), t.isSet(new Set()), t.isWeakMap(new WeakMap()), t.isTypedArray(new Int8Array(1)),
  t.isUint8Array(new Uint8Array(1)), t.isUint8Array(new Int8Array(1)), t.isArrayBuffer(new ArrayBuffer(1)),
  t.isAnyArrayBuffer(new SharedArrayBuffer(1)), t.isDataView(new DataView(new ArrayBuffer(1))),
  t.isNativeError(new TypeError()), t.isBoxedPrimitive(Object(1)), t.isBoxedPrimitive(1),
  t.isProxy(new Proxy({}, {})), t.isGeneratorFunction(function* () {}), t.isAsyncFunction(async () => {}),
  t.isGeneratorObject((function* () {})()), t.isMapIterator(new Map().keys()));
const d = util.isDeepStrictEqual;
console.log(d({ a: [1, 2] }, { a: [1, 2] }), d({ a: 1 }, { a: '1' }), d([1, 2], [1, 2, 3]),
  d(new Date(5), new Date(5)), d(new Date(5), new Date(6)), d(/a/g, /a/g), d(/a/g, /a/i),
  d(new Set([1, { x: 1 }]), new Set([{ x: 1 }, 1])), d(NaN, NaN), d(0, -0), d(Object.create(null), {}),
  d(new Uint8Array([1, 2]), new Uint8Array([1, 2])), d(new Uint8Array([1, 2]), new Int8Array([1, 2])));
const cycle = { name: 'c' }; cycle.self = cycle;
const cycle2 = { name: 'c' }; cycle2.self = cycle2;
console.log(d(cycle, cycle2));
function Animal(name) { this.name = name; }
Animal.prototype.speak = function () { return `${this.name} speaks`; };
function Dog(name) { Animal.call(this, name); }
util.inherits(Dog, Animal);
console.log(new Dog('rex').speak(), Dog.super_ === Animal);
const wait = util.promisify((ms, value, cb) => setTimeout(() => cb(null, value), ms));
const broken = util.promisify((cb) => cb(new Error('nope')));
wait(1, 'waited').then((v) => console.log(v));
broken().catch((e) => console.log('rejected', e.message));
util.callbackify(async (x) => x * 2)(21, (err, v) => console.log('callbackified', err, v));
console.log(typeof util.TextEncoder, util.isArray([]), util.stripVTControlCharacters('\u001b[31mred\u001b[39m'));
