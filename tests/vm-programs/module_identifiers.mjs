// Identifiers are numbered per context (point 9).
import vm from 'node:vm';
const ctx = vm.createContext({});
const a = new vm.SourceTextModule('', { context: ctx });
const b = new vm.SourceTextModule('', { context: ctx });
const c = new vm.SourceTextModule('');
const d = new vm.SyntheticModule([], () => {});
console.log(a.identifier, b.identifier, c.identifier, d.identifier);
const other = vm.createContext({});
console.log(new vm.SyntheticModule([], () => {}, { context: other }).identifier);
console.log(new vm.SourceTextModule('', { context: other }).identifier);
console.log(new vm.SourceTextModule('', { identifier: 'named' }).identifier);
console.log(new vm.SourceTextModule('').identifier);
