// TextEncoder and TextDecoder: UTF-8 and UTF-16LE, BOMs, fatal, streaming, encodeInto.
const bytesOf = (u8) => Array.from(u8).join(',');
const enc = new TextEncoder();
console.log(enc.encoding, bytesOf(enc.encode('héllo €😀')), enc.encode().length);
console.log(bytesOf(enc.encode('\ud800x')), enc.encode('abc') instanceof Uint8Array);
const buf = new Uint8Array(5);
console.log(enc.encodeInto('a€b', buf), bytesOf(buf));
console.log(enc.encodeInto('😀x', new Uint8Array(3)), enc.encodeInto('', new Uint8Array(2)));
const dec = new TextDecoder();
console.log(dec.encoding, dec.fatal, dec.ignoreBOM);
console.log(dec.decode(enc.encode('héllo €😀')), dec.decode(), JSON.stringify(dec.decode(new Uint8Array(0))));
console.log(dec.decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x41])).length);
console.log(new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x41])).length);
console.log(JSON.stringify(dec.decode(new Uint8Array([0x61, 0xFF, 0x62, 0xE2, 0x82]))));
console.log(JSON.stringify(dec.decode(new Uint8Array([0xF0, 0x9F, 0x98]))), JSON.stringify(dec.decode(new Uint8Array([0xED, 0xA0, 0x80]))));
try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xC0])); } catch (e) { console.log(e.name, e.code, e.message); }
try { new TextDecoder('no-such-encoding'); } catch (e) { console.log(e.name, e.code, e.message); }
try { dec.decode('not bytes'); } catch (e) { console.log(e.name, e.code); }
const u16 = new TextDecoder('utf-16le');
console.log(u16.encoding, u16.decode(new Uint8Array([0x68, 0, 0x69, 0, 0x3D, 0xD8, 0x00, 0xDE])));
console.log(JSON.stringify(u16.decode(new Uint8Array([0xFF, 0xFE, 0x41, 0, 0x00, 0xD8, 0x42]))));
try { new TextDecoder('utf-16le', { fatal: true }).decode(new Uint8Array([0x00, 0xDC])); } catch (e) { console.log(e.name, e.code); }
console.log(new TextDecoder('utf-16').encoding, new TextDecoder('UTF8').encoding, new TextDecoder(' unicode-1-1-utf-8 ').encoding);
const streaming = new TextDecoder();
const bytes = enc.encode('€uro😀');
let out = '';
for (let i = 0; i < bytes.length; i++) out += streaming.decode(bytes.subarray(i, i + 1), { stream: true }) + '|';
console.log(out + streaming.decode());
const s16 = new TextDecoder('utf-16le');
const wide = new Uint8Array([0x3D, 0xD8, 0x00, 0xDE, 0x41, 0x00]);
console.log(s16.decode(wide.subarray(0, 1), { stream: true }) + '|' + s16.decode(wide.subarray(1, 3), { stream: true }) + '|' + s16.decode(wide.subarray(3)));
console.log(dec.decode(bytes.buffer), dec.decode(new DataView(bytes.buffer, 3)), dec.decode(new Uint16Array([0x6968])));
console.log(Object.prototype.toString.call(enc), Object.prototype.toString.call(dec));
const latin = new TextDecoder('latin1');
// (0x80..=0x9F left out: Node 20 decodes them as Latin-1 controls, the standard and Kiln as
// windows-1252, e.g. 0x80 is '€'.)
console.log(latin.encoding, latin.decode(new Uint8Array([0x63, 0x61, 0x66, 0xE9, 0x20, 0xA9, 0xFF])));
console.log(new TextDecoder('ascii').encoding, new TextDecoder('ISO-8859-1').encoding);
const be = new TextDecoder('utf-16be');
console.log(be.encoding, be.decode(new Uint8Array([0xFE, 0xFF, 0, 0x68, 0, 0x69, 0xD8, 0x3D, 0xDE, 0x00])));
