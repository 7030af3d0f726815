// importModuleDynamically returning a module (point 6).
import vm from 'node:vm';
const target = new vm.SyntheticModule(['value'], function () { this.setExport('value', 'dynamic'); });
const script = new vm.Script('import("anything")', {
  async importModuleDynamically(specifier, referrer, attributes) {
    console.log(specifier, referrer === script, Object.getPrototypeOf(attributes), JSON.stringify(attributes));
    await target.link(() => {});
    await target.evaluate();
    return target;
  },
});
const ns = await script.runInThisContext();
console.log(ns.value, target.status);
