// The linker is asked for each request with the referencing module.
import vm from 'node:vm';
const seen = [];
const a = new vm.SourceTextModule('export const a = "A";', { identifier: 'a' });
const b = new vm.SourceTextModule('import { a } from "a"; export const b = a + "B";', { identifier: 'b' });
const root = new vm.SourceTextModule('import { a } from "a"; import { b } from "b"; export default a + b;', { identifier: 'root' });
await root.link((specifier, referencing) => {
  seen.push(`${referencing.identifier}->${specifier}`);
  return specifier === 'a' ? a : b;
});
console.log(seen.join(' '));
await root.evaluate();
console.log(root.namespace.default);
