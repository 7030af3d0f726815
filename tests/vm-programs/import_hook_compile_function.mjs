// importModuleDynamically on compileFunction and on runInThisContext.
import vm from 'node:vm';
const target = new vm.SyntheticModule(['v'], function () { this.setExport('v', 'from hook'); });
async function hook(specifier) {
  if (target.status === 'unlinked') await target.link(() => {});
  if (target.status === 'linked') await target.evaluate();
  console.log('hook', specifier);
  return target;
}
const f = vm.compileFunction('return import("cf")', [], { importModuleDynamically: hook });
console.log((await f()).v);
console.log((await vm.runInThisContext('import("ritc")', { importModuleDynamically: hook })).v);
try { vm.compileFunction('', [], { importModuleDynamically: 'x' }); } catch (e) { console.log(e.name, e.code); }
