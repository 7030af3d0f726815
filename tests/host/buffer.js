// Buffer, the global and require('buffer').Buffer: encodings, concat, compare, fill, write,
// the integer readers and writers, inspection.
const { Buffer: FromModule } = require('buffer');
console.log(FromModule === Buffer, typeof global, global === globalThis);
const b = Buffer.from('héllo wörld');
console.log(b.length, Buffer.byteLength('héllo wörld'), b.toString(), b.toString('hex'), b.toString('base64'));
console.log(b.toString('base64url'), b.toString('latin1', 0, 3), b.toString('utf8', 1, 3), b.toString('ascii'));
console.log(Buffer.from('68c3a96c6c6fzz', 'hex').toString(), Buffer.from('aGVsbG8', 'base64').toString(),
  Buffer.from('aGVs bG8=\n', 'base64').toString(), Buffer.from('_-8', 'base64url'), Buffer.from('hi', 'utf16le'));
console.log(Buffer.from([1, 2, 300, -1]), Buffer.from(new Uint16Array([1, 256])), Buffer.from({ length: 2, 0: 7 }),
  Buffer.from({ type: 'Buffer', data: [9, 8] }));
const ab = new ArrayBuffer(4);
const shared = Buffer.from(ab, 1, 2);
shared[0] = 5;
console.log(new Uint8Array(ab), shared.byteOffset, Buffer.isBuffer(shared), Buffer.isBuffer(new Uint8Array(1)));
const c = Buffer.concat([Buffer.from('ab'), new Uint8Array([99]), Buffer.alloc(2)]);
console.log(c, c.length, Buffer.concat([Buffer.from('abc'), Buffer.from('def')], 4).toString());
console.log(Buffer.alloc(5, 'ab'), Buffer.alloc(3, 1), Buffer.alloc(4).fill('xyz', 1), Buffer.allocUnsafe(2).fill(0));
console.log(Buffer.compare(Buffer.from('a'), Buffer.from('b')), Buffer.from('b').compare(Buffer.from('a')),
  Buffer.from('abc').equals(Buffer.from('abc')), Buffer.from('abc').equals(new Uint8Array([97, 98])));
const w = Buffer.alloc(8);
console.log(w.write('héllo', 1), w, w.write('zz', 'latin1'), w.write('€', 6), w);
const n = Buffer.alloc(16);
n.writeUInt32LE(0xdeadbeef, 0); n.writeInt16BE(-2, 4); n.writeDoubleLE(1.5, 8);
console.log(n.readUInt32LE(0).toString(16), n.readUInt32BE(0).toString(16), n.readInt16BE(4), n.readDoubleLE(8), n.readUInt8(1));
try { n.readUInt32LE(14); } catch (e) { console.log(e.name, e.code); }
const s = Buffer.from('hello').slice(1, 3);
s[0] = 69;
console.log(s.toString(), s instanceof Buffer, JSON.stringify(Buffer.from('hi')), Buffer.from('x').subarray(0) instanceof Buffer);
console.log(Buffer.isEncoding('utf8'), Buffer.isEncoding('UCS-2'), Buffer.isEncoding('nope'));
for (const f of [() => Buffer.from(5), () => Buffer.alloc(-1), () => Buffer.from('x', 'nope'), () => Buffer.concat([1])]) {
  try { f(); } catch (e) { console.log(e.name, e.code); }
}
console.log(Buffer.alloc(60));
const vm = require('vm');
const data = new vm.Script('1 + 1').createCachedData();
console.log(data instanceof Buffer, data.length > 0);
