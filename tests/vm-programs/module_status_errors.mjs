// ERR_VM_MODULE_STATUS and ERR_VM_MODULE_ALREADY_LINKED.
import vm from 'node:vm';
const m = new vm.SourceTextModule('export const a = 1;');
for (const f of [() => m.namespace, () => m.error, () => m.evaluate()]) {
  try { const r = f(); if (r && r.then) await r; console.log('ok'); } catch (e) { console.log(e.name, e.code, e.message); }
}
await m.link(() => {});
try { await m.link(() => {}); } catch (e) { console.log(e.name, e.code, e.message); }
try { m.error; } catch (e) { console.log(e.name, e.code, e.message); }
await m.evaluate();
console.log(m.status, await m.evaluate());
