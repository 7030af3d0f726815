// evaluate() and link() validate their arguments.
import vm from 'node:vm';
const m = new vm.SourceTextModule('export default 1;');
for (const linker of [undefined, 1, {}]) {
  try { await m.link(linker); } catch (e) { console.log(e.name, e.code, e.message); }
}
await m.link(() => {});
for (const o of [1, { timeout: -1 }, { timeout: 'x' }, { breakOnSigint: 1 }]) {
  try { await m.evaluate(o); console.log('ok'); } catch (e) { console.log(e.name, e.code, e.message); }
}
await m.evaluate({ timeout: 100 });
console.log(m.namespace.default);
