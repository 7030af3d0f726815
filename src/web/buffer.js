// Node's Buffer: a Uint8Array subclass with the methods scripts reach for (from, alloc, concat,
// byteLength, toString and write in Node's encodings, equals, compare, fill, slice, toJSON,
// the integer readers and writers). `require('buffer').Buffer` is this same class.
(function (natives, global) {
  'use strict';
  const { utf8Encode, decode } = natives;
  const custom = Symbol.for('nodejs.util.inspect.custom');

  function coded(error, code) {
    Object.defineProperty(error, 'code', { value: code, writable: true, configurable: true });
    return error;
  }
  // Node's ERR_INVALID_ARG_TYPE TypeError, made as node:vm makes its own.
  const invalidType = natives.invalidArgType;

  // Node's encoding names, normalised; undefined for an unknown one.
  function encodingOf(encoding) {
    switch (`${encoding}`.toLowerCase()) {
      case 'utf8': case 'utf-8': return 'utf8';
      case 'hex': return 'hex';
      case 'base64': return 'base64';
      case 'base64url': return 'base64url';
      case 'latin1': case 'binary': return 'latin1';
      case 'ascii': return 'ascii';
      case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
      default: return undefined;
    }
  }
  function checkedEncoding(encoding) {
    if (encoding === undefined || encoding === null) return 'utf8';
    const e = encodingOf(encoding);
    if (e === undefined) {
      throw coded(new TypeError(`Unknown encoding: ${encoding}`), 'ERR_UNKNOWN_ENCODING');
    }
    return e;
  }

  // A string's bytes in `encoding` (Node's lenient decoders: hex stops at the first pair that
  // is not hex; base64 skips characters outside both alphabets and needs no padding).
  function bytesOf(string, encoding) {
    switch (encoding) {
      case 'utf8': return utf8Encode(string);
      case 'hex': {
        let end = 0;
        while (end + 1 < string.length && /^[0-9a-fA-F]{2}$/.test(string.slice(end, end + 2))) {
          end += 2;
        }
        return Uint8Array.fromHex(string.slice(0, end));
      }
      case 'base64': case 'base64url': {
        let s = string.replace(/[^A-Za-z0-9+/\-_=]/g, '').replace(/-/g, '+').replace(/_/g, '/');
        const pad = s.indexOf('=');
        if (pad !== -1) s = s.slice(0, pad);
        if (s.length % 4 === 1) s = s.slice(0, -1);
        return Uint8Array.fromBase64(s, { lastChunkHandling: 'loose' });
      }
      case 'latin1': case 'ascii': {
        const out = new Uint8Array(string.length);
        for (let i = 0; i < string.length; i++) out[i] = string.charCodeAt(i) & 0xff;
        return out;
      }
      case 'utf16le': {
        const out = new Uint8Array(string.length * 2);
        for (let i = 0; i < string.length; i++) {
          const c = string.charCodeAt(i);
          out[2 * i] = c & 0xff;
          out[2 * i + 1] = c >> 8;
        }
        return out;
      }
    }
  }

  // The text of `view`'s bytes in `encoding`.
  function textOf(view, encoding) {
    switch (encoding) {
      case 'utf8':
        return decode('utf-8', false, false, view.buffer, view.byteOffset, view.length)[0];
      case 'utf16le':
        return decode('utf-16le', false, false, view.buffer, view.byteOffset,
          view.length - (view.length % 2))[0];
      case 'hex': return Uint8Array.prototype.toHex.call(view);
      case 'base64': return Uint8Array.prototype.toBase64.call(view);
      case 'base64url':
        return Uint8Array.prototype.toBase64.call(view, { alphabet: 'base64url', omitPadding: true });
      case 'latin1': case 'ascii': {
        const mask = encoding === 'ascii' ? 0x7f : 0xff;
        let out = '';
        for (let i = 0; i < view.length; i += 4096) {
          const chunk = Array.from(view.subarray(i, i + 4096), (b) => b & mask);
          out += String.fromCharCode(...chunk);
        }
        return out;
      }
    }
  }

  function checkSize(size) {
    if (typeof size !== 'number') throw invalidType('size', 'of type number', size);
    if (!(size >= 0 && size <= 2 ** 32)) {
      throw coded(new RangeError(
        `The value of "size" is out of range. It must be >= 0 && <= ${2 ** 32}. Received ${size}`),
      'ERR_OUT_OF_RANGE');
    }
  }
  function isUint8(value) {
    return ArrayBuffer.isView(value) && value.BYTES_PER_ELEMENT === 1 && !(value instanceof DataView);
  }
  function compareBytes(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  class Buffer extends Uint8Array {
    static from(value, encodingOrOffset, length) {
      if (typeof value === 'string') {
        const bytes = bytesOf(value, checkedEncoding(encodingOrOffset));
        return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
      }
      if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
        const offset = encodingOrOffset === undefined ? 0 : +encodingOrOffset;
        const count = length === undefined ? value.byteLength - offset : +length;
        return new Buffer(value, offset, count);
      }
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        const out = new Buffer(value.length);
        out.set(value);
        return out;
      }
      if (value !== null && typeof value === 'object') {
        if (value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data);
        if (typeof value.length === 'number' || Symbol.iterator in value) {
          const items = Array.from(value);
          const out = new Buffer(items.length);
          for (let i = 0; i < items.length; i++) out[i] = items[i] & 0xff;
          return out;
        }
      }
      throw invalidType('first', 'of type string or an instance of Buffer, ArrayBuffer, or ' +
        'Array or an Array-like Object', value);
    }
    static alloc(size, fill, encoding) {
      checkSize(size);
      const out = new Buffer(size);
      if (fill !== undefined && fill !== 0 && size > 0) out.fill(fill, 0, size, encoding);
      return out;
    }
    static allocUnsafe(size) {
      checkSize(size);
      return new Buffer(size);
    }
    static allocUnsafeSlow(size) {
      return Buffer.allocUnsafe(size);
    }
    static isBuffer(value) {
      return value instanceof Buffer;
    }
    static isEncoding(encoding) {
      return typeof encoding === 'string' && encodingOf(encoding) !== undefined;
    }
    static byteLength(value, encoding) {
      if (typeof value !== 'string') {
        if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer ||
          value instanceof SharedArrayBuffer) {
          return value.byteLength;
        }
        throw invalidType('string', 'of type string or an instance of Buffer or ArrayBuffer',
          value);
      }
      return bytesOf(value, encodingOf(encoding ?? 'utf8') ?? 'utf8').length;
    }
    static concat(list, totalLength) {
      if (!Array.isArray(list)) throw invalidType('list', 'an instance of Array', list);
      list.forEach((item, i) => {
        if (!isUint8(item)) {
          throw invalidType(`list[${i}]`, 'an instance of Buffer or Uint8Array', item);
        }
      });
      const total = totalLength === undefined
        ? list.reduce((sum, item) => sum + item.length, 0) : totalLength;
      const out = Buffer.alloc(total);
      let position = 0;
      for (const item of list) {
        if (position >= total) break;
        const n = Math.min(item.length, total - position);
        out.set(n === item.length ? item : item.subarray(0, n), position);
        position += n;
      }
      return out;
    }
    static compare(a, b) {
      if (!isUint8(a)) throw invalidType('buf1', 'an instance of Buffer or Uint8Array', a);
      if (!isUint8(b)) throw invalidType('buf2', 'an instance of Buffer or Uint8Array', b);
      return compareBytes(a, b);
    }

    toString(encoding, start, end) {
      const from = Math.max(0, start === undefined ? 0 : Math.trunc(+start) || 0);
      const to = Math.min(this.length, end === undefined ? this.length : Math.trunc(+end) || 0);
      if (to <= from) return '';
      return textOf(this.subarray(from, to), checkedEncoding(encoding));
    }
    toLocaleString(encoding, start, end) {
      return this.toString(encoding, start, end);
    }
    toJSON() {
      return { type: 'Buffer', data: Array.from(this) };
    }
    equals(other) {
      if (!isUint8(other)) throw invalidType('otherBuffer', 'an instance of Buffer or Uint8Array', other);
      return compareBytes(this, other) === 0;
    }
    compare(target) {
      if (!isUint8(target)) throw invalidType('target', 'an instance of Buffer or Uint8Array', target);
      return compareBytes(this, target);
    }
    write(string, offset, length, encoding) {
      if (typeof offset === 'string') [offset, length, encoding] = [0, undefined, offset];
      else if (typeof length === 'string') [length, encoding] = [undefined, length];
      const at = offset === undefined ? 0 : offset;
      const room = this.length - at;
      const bytes = bytesOf(`${string}`, checkedEncoding(encoding));
      let n = Math.min(bytes.length, length === undefined ? room : Math.min(room, length));
      // UTF-8 writes whole characters only.
      if (encoding === undefined || checkedEncoding(encoding) === 'utf8') {
        while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) n--;
      }
      this.set(bytes.subarray(0, n), at);
      return n;
    }
    fill(value, offset, end, encoding) {
      if (typeof offset === 'string') [offset, end, encoding] = [0, this.length, offset];
      else if (typeof end === 'string') [end, encoding] = [this.length, end];
      const from = offset === undefined ? 0 : offset;
      const to = end === undefined ? this.length : end;
      if (typeof value === 'string') {
        const bytes = bytesOf(value, checkedEncoding(encoding));
        if (bytes.length === 0) return Uint8Array.prototype.fill.call(this, 0, from, to);
        for (let i = from; i < to; i++) this[i] = bytes[(i - from) % bytes.length];
        return this;
      }
      if (isUint8(value)) {
        for (let i = from; i < to; i++) this[i] = value[(i - from) % value.length];
        return this;
      }
      return Uint8Array.prototype.fill.call(this, value & 0xff, from, to);
    }
    slice(start, end) {
      return this.subarray(start, end);
    }
    [custom]() {
      const shown = Array.from(this.subarray(0, 50), (b) => b.toString(16).padStart(2, '0'));
      const more = this.length > 50 ? ` ... ${this.length - 50} more bytes` : '';
      return `<Buffer${shown.length ? ' ' : ''}${shown.join(' ')}${more}>`;
    }
  }
  // The integer readers and writers, on a DataView over the same bytes.
  const integers = [
    ['UInt8', 'Uint8', 1], ['Int8', 'Int8', 1], ['UInt16', 'Uint16', 2], ['Int16', 'Int16', 2],
    ['UInt32', 'Uint32', 4], ['Int32', 'Int32', 4], ['Float', 'Float32', 4],
    ['Double', 'Float64', 8], ['BigUInt64', 'BigUint64', 8], ['BigInt64', 'BigInt64', 8],
  ];
  function view(buffer, offset, size) {
    const at = offset === undefined ? 0 : offset;
    if (!Number.isInteger(at) || at < 0 || at + size > buffer.length) {
      throw coded(new RangeError(`The value of "offset" is out of range. It must be >= 0 and <= ${
        buffer.length - size}. Received ${at}`), 'ERR_OUT_OF_RANGE');
    }
    return [new DataView(buffer.buffer, buffer.byteOffset, buffer.length), at];
  }
  for (const [name, type, size] of integers) {
    const endians = size === 1 ? [['', false]] : [['LE', true], ['BE', false]];
    for (const [suffix, little] of endians) {
      Object.defineProperty(Buffer.prototype, `read${name}${suffix}`, {
        value: function (offset) {
          const [v, at] = view(this, offset, size);
          return v[`get${type}`](at, little);
        },
        writable: true,
        configurable: true,
      });
      Object.defineProperty(Buffer.prototype, `write${name}${suffix}`, {
        value: function (value, offset) {
          const [v, at] = view(this, offset, size);
          v[`set${type}`](at, value, little);
          return at + size;
        },
        writable: true,
        configurable: true,
      });
    }
  }
  Buffer.poolSize = 8192;
  Object.defineProperty(global, 'Buffer', {
    value: Buffer, writable: true, enumerable: false, configurable: true,
  });
})
