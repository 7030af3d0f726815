// An importer sees a synthetic module's exports live.
import vm from 'node:vm';
const s = new vm.SyntheticModule(['x'], () => { s.setExport('x', 1); });
const m = new vm.SourceTextModule('import { x } from "s"; export const getX = () => x;');
await m.link(() => s);
await m.evaluate();
console.log(m.namespace.getX());
s.setExport('x', 42);
console.log(m.namespace.getX());
