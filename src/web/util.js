// Node's `util`: format and inspect (console.log's own formatter), types (by internal slots),
// isDeepStrictEqual, inherits, promisify, callbackify, deprecate. Returns [util, deepEqual];
// `assert` shares deepEqual.
(function (natives, global) {
  'use strict';
  const { format: formatNative, inspect: inspectNative, kind } = natives;

  function format(...args) {
    return formatNative(...args);
  }
  function formatWithOptions(options, ...args) {
    if (options === null || typeof options !== 'object') {
      const e = new TypeError('The "inspectOptions" argument must be of type object.');
      Object.defineProperty(e, 'code', { value: 'ERR_INVALID_ARG_TYPE', configurable: true });
      throw e;
    }
    return formatNative(...args);
  }
  // Node's inspect with its default options (depth 2, no colours); options are accepted and
  // not yet honoured.
  function inspect(value, options) {
    return inspectNative(value);
  }
  inspect.custom = Symbol.for('nodejs.util.inspect.custom');

  const protoOf = Object.getPrototypeOf;
  const GeneratorFunction = protoOf(function* () {});
  const AsyncFunction = protoOf(async function () {});
  const AsyncGeneratorFunction = protoOf(async function* () {});
  const tag = (v) => Object.prototype.toString.call(v);
  const is = (name) => (v) => kind(v) === name;
  const typedArrays = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array',
    'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array',
    'BigInt64Array', 'BigUint64Array'];
  const types = {
    isAnyArrayBuffer: (v) => kind(v) === 'ArrayBuffer' || kind(v) === 'SharedArrayBuffer',
    isArrayBuffer: is('ArrayBuffer'),
    isArrayBufferView: (v) => ArrayBuffer.isView(v),
    isAsyncFunction: (v) => typeof v === 'function' &&
      (protoOf(v) === AsyncFunction || protoOf(v) === AsyncGeneratorFunction),
    isBigIntObject: is('BigInt'),
    isBooleanObject: is('Boolean'),
    isBoxedPrimitive: (v) => ['Number', 'String', 'Boolean', 'BigInt', 'Symbol'].includes(kind(v)),
    isDataView: is('DataView'),
    isDate: is('Date'),
    isGeneratorFunction: (v) => typeof v === 'function' &&
      (protoOf(v) === GeneratorFunction || protoOf(v) === AsyncGeneratorFunction),
    isGeneratorObject: (v) => kind(v) === 'Other' && tag(v) === '[object Generator]',
    isMap: is('Map'),
    isMapIterator: (v) => kind(v) === 'Other' && tag(v) === '[object Map Iterator]',
    isNativeError: is('Error'),
    isNumberObject: is('Number'),
    isPromise: is('Promise'),
    isProxy: is('Proxy'),
    isRegExp: is('RegExp'),
    isSet: is('Set'),
    isSetIterator: (v) => kind(v) === 'Other' && tag(v) === '[object Set Iterator]',
    isSharedArrayBuffer: is('SharedArrayBuffer'),
    isStringObject: is('String'),
    isSymbolObject: is('Symbol'),
    isTypedArray: (v) => typedArrays.includes(kind(v)),
    isWeakMap: is('WeakMap'),
    isWeakSet: is('WeakSet'),
  };
  for (const name of typedArrays) types[`is${name}`] = is(name);

  // Node's comparison (lib/internal/util/comparisons.js in outline): strict compares with
  // Object.is and prototypes, loose with == for primitives; both compare own enumerable
  // properties, the entries of Maps and Sets, the bytes of buffers and the values of dates,
  // regular expressions, boxed primitives and errors' names and messages.
  function deepEqual(a, b, strict, pairs = []) {
    const primitive = (v) => v === null || (typeof v !== 'object' && typeof v !== 'function');
    if (strict ? Object.is(a, b) : a === b) return true;
    if (primitive(a) || primitive(b)) {
      return !strict && primitive(a) && primitive(b) && (a == b || (a !== a && b !== b));
    }
    // Functions are equal only to themselves.
    if (typeof a === 'function' || typeof b === 'function') return false;
    if (strict && protoOf(a) !== protoOf(b)) return false;
    if (tag(a) !== tag(b) || kind(a) !== kind(b)) return false;
    for (const [x, y] of pairs) if (x === a && y === b) return true;
    pairs = [...pairs, [a, b]];
    const k = kind(a);
    if (Array.isArray(a) && a.length !== b.length) return false;
    if (k === 'Date' && Date.prototype.getTime.call(a) !== Date.prototype.getTime.call(b)) {
      return false;
    }
    if (k === 'RegExp' && (a.source !== b.source || a.flags !== b.flags ||
      a.lastIndex !== b.lastIndex)) {
      return false;
    }
    if (k === 'Error' && (a.message !== b.message || a.name !== b.name)) return false;
    if (['Number', 'String', 'Boolean', 'BigInt', 'Symbol'].includes(k) &&
      !Object.is(a.valueOf(), b.valueOf())) {
      return false;
    }
    if (ArrayBuffer.isView(a) || k === 'ArrayBuffer' || k === 'SharedArrayBuffer') {
      const bytes = (v) => ArrayBuffer.isView(v)
        ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
      const [x, y] = [bytes(a), bytes(b)];
      if (x.length !== y.length) return false;
      if (!strict && typedArrays.includes(k) && !k.startsWith('Big')) {
        for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
      } else {
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      }
    }
    if (k === 'Map') {
      if (a.size !== b.size) return false;
      for (const [key, value] of a) {
        if (b.has(key)) {
          if (!deepEqual(value, b.get(key), strict, pairs)) return false;
        } else if (key === null || typeof key !== 'object' ||
          ![...b].some(([k2, v2]) => deepEqual(key, k2, strict, pairs) &&
            deepEqual(value, v2, strict, pairs))) {
          return false;
        }
      }
    }
    if (k === 'Set') {
      if (a.size !== b.size) return false;
      for (const value of a) {
        if (!b.has(value) && (value === null || typeof value !== 'object' ||
          ![...b].some((v2) => deepEqual(value, v2, strict, pairs)))) {
          return false;
        }
      }
    }
    const keysOf = (o) => {
      const keys = Object.keys(o);
      if (strict) {
        keys.push(...Object.getOwnPropertySymbols(o)
          .filter((s) => Object.prototype.propertyIsEnumerable.call(o, s)));
      }
      if (ArrayBuffer.isView(o)) return keys.filter((key) => !/^\d+$/.test(key));
      return keys;
    };
    const [ka, kb] = [keysOf(a), keysOf(b)];
    if (ka.length !== kb.length) return false;
    for (const key of ka) {
      if (!Object.prototype.propertyIsEnumerable.call(b, key)) return false;
      if (!deepEqual(a[key], b[key], strict, pairs)) return false;
    }
    return true;
  }
  function isDeepStrictEqual(a, b) {
    return deepEqual(a, b, true);
  }

  function inherits(ctor, superCtor) {
    Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }
  const promisifyCustom = Symbol.for('nodejs.util.promisify.custom');
  function promisify(original) {
    if (typeof original !== 'function') {
      const e = new TypeError('The "original" argument must be of type function.');
      Object.defineProperty(e, 'code', { value: 'ERR_INVALID_ARG_TYPE', configurable: true });
      throw e;
    }
    if (typeof original[promisifyCustom] === 'function') return original[promisifyCustom];
    function promisified(...args) {
      return new Promise((resolve, reject) => {
        Reflect.apply(original, this, [...args, (error, value) => {
          if (error) reject(error);
          else resolve(value);
        }]);
      });
    }
    Object.setPrototypeOf(promisified, protoOf(original));
    return Object.defineProperties(promisified, Object.getOwnPropertyDescriptors(original));
  }
  promisify.custom = promisifyCustom;
  function callbackify(original) {
    return function (...args) {
      const callback = args.pop();
      Reflect.apply(original, this, args).then(
        (value) => queueMicrotask(() => callback(null, value)),
        (reason) => queueMicrotask(() => callback(reason || new Error(String(reason)))));
    };
  }
  const warned = new Set();
  function deprecate(fn, message, code) {
    return function (...args) {
      if (!warned.has(code ?? message)) {
        warned.add(code ?? message);
        console.error(`(kiln) ${code ? `[${code}] ` : ''}DeprecationWarning: ${message}`);
      }
      return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
    };
  }
  function stripVTControlCharacters(text) {
    return `${text}`.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
  }

  const util = {
    callbackify, deprecate, format, formatWithOptions, inherits, inspect,
    isArray: Array.isArray, isDeepStrictEqual, promisify, stripVTControlCharacters, types,
    TextDecoder: global.TextDecoder, TextEncoder: global.TextEncoder,
  };
  return [util, deepEqual];
})
