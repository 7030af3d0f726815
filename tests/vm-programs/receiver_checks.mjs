// Methods and getters called on the wrong receiver.
import vm from 'node:vm';
for (const g of ['status', 'identifier', 'error', 'namespace', 'context']) {
  try { Object.getOwnPropertyDescriptor(vm.Module.prototype, g).get.call({}); } catch (e) { console.log(g, e.name, e.code, e.message); }
}
for (const m of ['link', 'evaluate']) {
  await vm.Module.prototype[m].call({}).catch((e) => console.log(m, e.name, e.code, e.message));
}
try { vm.SyntheticModule.prototype.setExport.call(new vm.SourceTextModule(''), 'a', 1); } catch (e) { console.log('setExport', e.name, e.code, e.message); }
try { Object.getOwnPropertyDescriptor(vm.SourceTextModule.prototype, 'dependencySpecifiers').get.call({}); } catch (e) { console.log('dependencySpecifiers', e.name, e.code, e.message); }
for (const m of ['runInThisContext', 'runInContext', 'createCachedData']) {
  try { vm.Script.prototype[m].call({}, vm.createContext()); } catch (e) { console.log(m, e.name, e.code, e.message); }
}
