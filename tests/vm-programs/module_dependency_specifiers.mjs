// dependencySpecifiers is an accessor on the prototype (point 9).
import vm from 'node:vm';
const m = new vm.SourceTextModule('import a from "x"; export { b } from "y"; import "x"; export * from "z";');
console.log(Object.keys(m).length, Object.getOwnPropertyNames(m).length);
const d = Object.getOwnPropertyDescriptor(vm.SourceTextModule.prototype, 'dependencySpecifiers');
console.log(typeof d.get, d.set, d.enumerable, d.configurable);
console.log(m.dependencySpecifiers.join(), m.dependencySpecifiers === m.dependencySpecifiers);
console.log(new vm.SourceTextModule('').dependencySpecifiers.length);
console.log('dependencySpecifiers' in new vm.SyntheticModule([], () => {}));
