// SourceTextModule: link, evaluate, namespace.
import vm from 'node:vm';
const dep = new vm.SourceTextModule('export const x = 40; export default function () { return 2; }');
const main = new vm.SourceTextModule('import f, { x } from "dep"; export const y = x + f();');
console.log(main.status, dep.status);
await main.link((specifier) => { console.log('link', specifier); return dep; });
console.log(main.status, dep.status);
console.log(await main.evaluate());
console.log(main.status, dep.status, main.namespace.y);
console.log(Object.keys(main.namespace).join(), Object.keys(dep.namespace).join());
