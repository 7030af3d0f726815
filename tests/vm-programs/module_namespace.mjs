// The namespace object of a vm module.
import vm from 'node:vm';
const m = new vm.SourceTextModule('export let a = 1; export function inc() { a++; } export default "d";');
await m.link(() => {});
await m.evaluate();
const ns = m.namespace;
console.log(Object.prototype.toString.call(ns), Object.isExtensible(ns), Object.keys(ns).join());
ns.inc();
console.log(ns.a);
try { ns.a = 5; } catch (e) { console.log(e.name); }
console.log(Reflect.set(ns, 'a', 5), ns.a, m.namespace === ns);
