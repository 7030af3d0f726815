// What a context global looks like from inside and outside.
const vm = require('node:vm');
const ctx = vm.createContext({ a: 1 });
console.log(vm.runInContext('Object.prototype.toString.call(globalThis)', ctx));
console.log(vm.runInContext('typeof globalThis.Object, typeof globalThis.a', ctx));
console.log(vm.runInContext('Object.keys(globalThis).join()', ctx));
console.log(vm.runInContext('"a" in globalThis', ctx), vm.runInContext('globalThis.hasOwnProperty("a")', ctx));
console.log(vm.runInContext('Object.getOwnPropertyNames(globalThis).includes("Array")', ctx));
