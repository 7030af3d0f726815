// The linker's third argument has attributes and its deprecated alias assert.
import vm from 'node:vm';
const dep = new vm.SyntheticModule(['default'], function () { this.setExport('default', { k: 1 }); });
const m = new vm.SourceTextModule('import data from "data"; export default data.k;');
await m.link((specifier, referencing, extra) => {
  console.log(specifier, referencing === m, typeof extra, 'attributes' in extra, 'assert' in extra);
  console.log(JSON.stringify(extra.attributes), extra.attributes === extra.assert);
  return dep;
});
await m.evaluate();
console.log(m.namespace.default);
