// initializeImportMeta fills import.meta.
import vm from 'node:vm';
const m = new vm.SourceTextModule('export const meta = import.meta;', {
  initializeImportMeta(meta, module) {
    meta.url = 'vm:test';
    console.log(module === m);
  },
});
await m.link(() => {});
await m.evaluate();
console.log(m.namespace.meta.url);
