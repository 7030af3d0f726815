// Module caches (point 8).
import vm from 'node:vm';
const m = new vm.SourceTextModule('export const v = 1;');
const data = m.createCachedData();
console.log(data instanceof Uint8Array, data.length > 0);
const again = new vm.SourceTextModule('export const v = 1;', { cachedData: data });
await again.link(() => {});
await again.evaluate();
console.log(again.namespace.v);
await m.link(() => {});
console.log(m.createCachedData() instanceof Uint8Array);
await m.evaluate();
try { m.createCachedData(); } catch (e) { console.log(e.name, e.code, e.message); }
try { new vm.SourceTextModule('', { cachedData: 'x' }); } catch (e) { console.log(e.name, e.code); }
