// A new context has its own built-ins.
const vm = require('node:vm');
const ctx = vm.createContext({ outerArray: [] });
console.log(vm.runInContext('outerArray instanceof Array', ctx));
console.log(vm.runInContext('Array.isArray(outerArray)', ctx));
const arr = vm.runInContext('[1, 2]', ctx);
console.log(arr instanceof Array, Array.isArray(arr));
console.log(vm.runInContext('Object', ctx) === Object);
console.log(vm.runInContext('typeof require + typeof process + typeof console', ctx));
console.log(vm.runInContext('Object.getPrototypeOf(outerArray) === Array.prototype', ctx));
