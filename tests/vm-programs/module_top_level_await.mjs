// A module with top-level await.
import vm from 'node:vm';
const m = new vm.SourceTextModule('export let v = 1; await null; v = 2;');
await m.link(() => {});
const p = m.evaluate();
console.log(m.status);
await p;
console.log(m.status, m.namespace.v);
