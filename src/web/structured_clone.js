// structuredClone (HTML StructuredSerialize + StructuredDeserialize in one pass) for the
// types Kiln has; anything else is a DataCloneError, as in Node.
(function (natives, global) {
  'use strict';
  const { kind, bufferSlice, detach } = natives;
  const errorConstructors = {
    Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
  };
  const typedArrays = {
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  };
  if (typeof Float16Array === 'function') typedArrays.Float16Array = Float16Array;
  const call = (f, self, ...args) => Reflect.apply(f, self, args);
  const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const byteLength = getter(ArrayBuffer.prototype, 'byteLength');
  const regexpSource = getter(RegExp.prototype, 'source');
  const regexpFlags = getter(RegExp.prototype, 'flags');
  const typedArrayProto = Object.getPrototypeOf(Int8Array.prototype);
  const viewBuffer = getter(typedArrayProto, 'buffer');
  const viewOffset = getter(typedArrayProto, 'byteOffset');
  const viewLength = getter(typedArrayProto, 'length');
  const dataViewBuffer = getter(DataView.prototype, 'buffer');
  const dataViewOffset = getter(DataView.prototype, 'byteOffset');
  const dataViewLength = getter(DataView.prototype, 'byteLength');

  function fail(shown) {
    throw new DOMException(`${shown} could not be cloned.`, 'DataCloneError');
  }
  function described(value) {
    let name = 'Object';
    try {
      const c = value.constructor;
      if (typeof c === 'function' && typeof c.name === 'string' && c.name) name = c.name;
    } catch {}
    return `#<${name}>`;
  }

  function clone(value, memory) {
    if (typeof value === 'symbol') fail(String(value));
    if (typeof value === 'function') fail(Function.prototype.toString.call(value));
    if (value === null || typeof value !== 'object') return value;
    if (memory.has(value)) return memory.get(value);
    let out;
    const k = kind(value);
    switch (k) {
      case 'Boolean': out = Object(call(Boolean.prototype.valueOf, value)); break;
      case 'Number': out = Object(call(Number.prototype.valueOf, value)); break;
      case 'String': out = Object(call(String.prototype.valueOf, value)); break;
      case 'BigInt': out = Object(call(BigInt.prototype.valueOf, value)); break;
      case 'Date': out = new Date(call(Date.prototype.getTime, value)); break;
      case 'RegExp':
        out = new RegExp(call(regexpSource, value), call(regexpFlags, value));
        break;
      case 'ArrayBuffer': out = bufferSlice(value, 0, call(byteLength, value)); break;
      case 'SharedArrayBuffer': out = value; break;
      case 'DataView': {
        const buffer = clone(call(dataViewBuffer, value), memory);
        out = new DataView(buffer, call(dataViewOffset, value), call(dataViewLength, value));
        break;
      }
      case 'Map': {
        out = new Map();
        memory.set(value, out);
        const entries = [...call(Map.prototype.entries, value)];
        for (const [key, v] of entries) out.set(clone(key, memory), clone(v, memory));
        return out;
      }
      case 'Set': {
        out = new Set();
        memory.set(value, out);
        const values = [...call(Set.prototype.values, value)];
        for (const v of values) out.add(clone(v, memory));
        return out;
      }
      case 'Error': {
        const name = value.name;
        const Ctor = Object.hasOwn(errorConstructors, name) ? errorConstructors[name] : Error;
        out = Object.create(Ctor.prototype);
        memory.set(value, out);
        const hidden = (key, v) => Object.defineProperty(out, key, {
          value: v, writable: true, enumerable: false, configurable: true,
        });
        if (Object.hasOwn(value, 'message')) hidden('message', `${value.message}`);
        if (typeof value.stack === 'string') hidden('stack', value.stack);
        if (Object.hasOwn(value, 'cause')) hidden('cause', clone(value.cause, memory));
        return out;
      }
      case 'Array':
        out = new Array(value.length);
        break;
      case 'Object':
        out = {};
        break;
      default:
        if (Object.hasOwn(typedArrays, k)) {
          const buffer = clone(call(viewBuffer, value), memory);
          out = new typedArrays[k](buffer, call(viewOffset, value), call(viewLength, value));
          break;
        }
        fail(described(value));
    }
    memory.set(value, out);
    if (k === 'Array' || k === 'Object') {
      for (const key of Object.keys(value)) out[key] = clone(value[key], memory);
    }
    return out;
  }

  function structuredClone(value, options = undefined) {
    if (arguments.length === 0) {
      throw new TypeError('The "value" argument must be specified');
    }
    let transfer = [];
    if (options !== undefined && options !== null && options.transfer !== undefined) {
      const list = options.transfer;
      if (list === null || typeof list[Symbol.iterator] !== 'function') {
        throw new TypeError('Optional transferList argument must be an iterable');
      }
      transfer = [...list];
    }
    const listed = new Set();
    for (const t of transfer) {
      if (kind(t) !== 'ArrayBuffer') throw new TypeError('Found invalid object in transferList');
      if (listed.has(t)) {
        throw new DOMException('Transfer list contains duplicate ArrayBuffer', 'DataCloneError');
      }
      listed.add(t);
    }
    // A transferred buffer's contents move to a new buffer, which every reference to the old
    // one in the value becomes; the old one is detached once the clone is done.
    const memory = new Map();
    for (const t of transfer) memory.set(t, bufferSlice(t, 0, call(byteLength, t)));
    const result = clone(value, memory);
    for (const t of transfer) detach(t);
    return result;
  }
  Object.defineProperty(global, 'structuredClone', {
    value: structuredClone, writable: true, enumerable: true, configurable: true,
  });
})
