// The statuses the linker sees in a cycle, and a link that fails at instantiation.
import vm from 'node:vm';
const a = new vm.SourceTextModule('import "b";', { identifier: 'a' });
const b = new vm.SourceTextModule('import "a";', { identifier: 'b' });
await a.link((s, ref) => { console.log('linker', s, ref.identifier, a.status, b.status); return s === 'a' ? a : b; });
console.log(a.status, b.status);
const mod = new vm.SourceTextModule('import { nope } from "./dep.mjs";');
const dep = new vm.SourceTextModule('export const yes = 1;');
for (let i = 0; i < 2; i++) {
  try { await mod.link(() => dep); console.log('linked'); } catch (e) { console.log(e.name, e.message); }
  console.log(mod.status, dep.status);
}
try { await mod.evaluate(); } catch (e) { console.log(e.code); }
