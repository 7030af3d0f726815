// The getters of Module.prototype.
import vm from 'node:vm';
for (const name of ['identifier', 'status', 'error', 'namespace', 'context']) {
  const d = Object.getOwnPropertyDescriptor(vm.Module.prototype, name);
  console.log(name, typeof d.get, d.enumerable);
}
console.log(typeof vm.Module.prototype.link, typeof vm.Module.prototype.evaluate);
console.log(Object.getPrototypeOf(vm.SourceTextModule) === vm.Module);
console.log(Object.getPrototypeOf(vm.SyntheticModule.prototype) === vm.Module.prototype);
console.log(vm.SourceTextModule.length, vm.SyntheticModule.length, vm.Script.length);
const m = new vm.SourceTextModule('');
console.log(m instanceof vm.Module, m instanceof vm.SourceTextModule);
try { vm.Module.prototype.status; } catch (e) { console.log(e.name, e.code); }
