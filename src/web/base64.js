// atob and btoa (HTML "forgiving-base64").
(function (natives, global) {
  'use strict';
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const values = new Map([...alphabet].map((c, i) => [c, i]));
  function btoa(data) {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    const s = `${data}`;
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const codes = [s.charCodeAt(i), s.charCodeAt(i + 1), s.charCodeAt(i + 2)];
      for (let j = 0; j < 3 && i + j < s.length; j++) {
        if (codes[j] > 0xff) throw new DOMException('Invalid character', 'InvalidCharacterError');
      }
      const n = (codes[0] << 16) | ((codes[1] || 0) << 8) | (codes[2] || 0);
      out += alphabet[(n >> 18) & 63] + alphabet[(n >> 12) & 63];
      out += i + 1 < s.length ? alphabet[(n >> 6) & 63] : '=';
      out += i + 2 < s.length ? alphabet[n & 63] : '=';
    }
    return out;
  }
  function atob(data) {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    let s = `${data}`.replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    for (const c of s) {
      if (!values.has(c)) throw new DOMException('Invalid character', 'InvalidCharacterError');
    }
    if (s.length % 4 === 1) {
      throw new DOMException(
        'The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    }
    let out = '';
    let buffer = 0;
    let bits = 0;
    for (const c of s) {
      const v = values.get(c);
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buffer >> bits) & 0xff);
      }
    }
    return out;
  }
  for (const f of [atob, btoa]) {
    Object.defineProperty(global, f.name, {
      value: f, writable: true, enumerable: true, configurable: true,
    });
  }
})
