// TextEncoder and TextDecoder (WHATWG Encoding): UTF-8, and UTF-16LE, UTF-16BE and
// windows-1252 for decoding.
(function (natives, global) {
  'use strict';
  const { utf8Encode, encodeInto, decode, kind } = natives;
  const labels = new Map([
    ...['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8',
      'x-unicode20utf8'].map((l) => [l, 'utf-8']),
    ...['csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff', 'utf-16',
      'utf-16le'].map((l) => [l, 'utf-16le']),
    ...['unicodefffe', 'utf-16be'].map((l) => [l, 'utf-16be']),
    ...['ansi_x3.4-1968', 'ascii', 'cp1252', 'cp819', 'csisolatin1', 'ibm819', 'iso-8859-1',
      'iso-ir-100', 'iso8859-1', 'iso88591', 'iso_8859-1', 'iso_8859-1:1987', 'l1', 'latin1',
      'us-ascii', 'windows-1252', 'x-cp1252'].map((l) => [l, 'windows-1252']),
  ]);
  function coded(error, code) {
    Object.defineProperty(error, 'code', { value: code, writable: true, configurable: true });
    return error;
  }
  function describe(value) {
    if (value === null || value === undefined) return `Received ${value}`;
    if (typeof value === 'function') return `Received function ${value.name}`;
    if (typeof value === 'object') {
      const name = value.constructor && value.constructor.name;
      return name ? `Received an instance of ${name}` : 'Received an object';
    }
    return `Received type ${typeof value} (${String(value)})`;
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return utf8Encode(`${input}`); }
    encodeInto(source, destination) {
      if (kind(destination) !== 'Uint8Array') {
        throw coded(new TypeError(
          `The "dest" argument must be an instance of Uint8Array. ${describe(destination)}`),
        'ERR_INVALID_ARG_TYPE');
      }
      const [read, written] = encodeInto(`${source}`, destination.buffer,
        destination.byteOffset, destination.byteLength);
      return { read, written };
    }
    get [Symbol.toStringTag]() { return 'TextEncoder'; }
  }

  /** The bytes of a BufferSource as a Uint8Array over the same memory. */
  function bytesOf(input) {
    if (input === undefined) return new Uint8Array(0);
    if (ArrayBuffer.isView(input)) {
      return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    }
    const k = kind(input);
    if (k === 'ArrayBuffer' || k === 'SharedArrayBuffer') return new Uint8Array(input);
    throw coded(new TypeError('The "input" argument must be an instance of ArrayBuffer or '
      + `ArrayBufferView. ${describe(input)}`), 'ERR_INVALID_ARG_TYPE');
  }

  class TextDecoder {
    #encoding;
    #fatal;
    #ignoreBOM;
    #pending = null;
    #started = false;
    constructor(label = 'utf-8', options = {}) {
      const encoding = labels.get(`${label}`.trim().toLowerCase());
      if (encoding === undefined) {
        throw coded(new RangeError(`The "${label}" encoding is not supported`),
          'ERR_ENCODING_NOT_SUPPORTED');
      }
      this.#encoding = encoding;
      this.#fatal = Boolean(options?.fatal);
      this.#ignoreBOM = Boolean(options?.ignoreBOM);
    }
    get encoding() { return this.#encoding; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input = undefined, options = {}) {
      const stream = Boolean(options?.stream);
      let bytes = bytesOf(input);
      if (this.#pending !== null) {
        const joined = new Uint8Array(this.#pending.length + bytes.length);
        joined.set(this.#pending);
        joined.set(bytes, this.#pending.length);
        bytes = joined;
        this.#pending = null;
      }
      let [text, pending] = decode(this.#encoding, this.#fatal, stream, bytes.buffer,
        bytes.byteOffset, bytes.byteLength);
      if (pending > 0) this.#pending = bytes.slice(bytes.length - pending);
      if (!this.#started && text.length > 0) {
        if (!this.#ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        this.#started = true;
      }
      if (!stream) {
        this.#started = false;
        this.#pending = null;
      }
      return text;
    }
    get [Symbol.toStringTag]() { return 'TextDecoder'; }
  }

  for (const c of [TextEncoder, TextDecoder]) {
    Object.defineProperty(global, c.name, {
      value: c, writable: true, enumerable: false, configurable: true,
    });
  }
})
