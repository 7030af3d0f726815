// import() attributes reach the hook in a null-prototype object.
import vm from 'node:vm';
const target = new vm.SyntheticModule(['default'], function () { this.setExport('default', 1); });
const m = new vm.SourceTextModule('export const p = import("j", { with: { type: "json" } });', {
  async importModuleDynamically(specifier, referrer, attributes) {
    console.log(specifier, referrer === m, attributes.type, Object.getPrototypeOf(attributes) === null);
    await target.link(() => {});
    await target.evaluate();
    return target;
  },
});
await m.link(() => {});
await m.evaluate();
console.log((await m.namespace.p).default);
