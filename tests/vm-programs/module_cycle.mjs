// Modules that import each other.
import vm from 'node:vm';
const a = new vm.SourceTextModule('import { b } from "b"; export const a = "a"; export function getB() { return b; }');
const b = new vm.SourceTextModule('import { a } from "a"; export const b = "b"; export function getA() { return a; }');
await a.link((s) => (s === 'a' ? a : b));
console.log(a.status, b.status);
await a.evaluate();
console.log(a.namespace.getB(), b.namespace.getA(), a.status, b.status);
