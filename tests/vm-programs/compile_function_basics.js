// vm.compileFunction: params, contexts and extensions.
const vm = require('node:vm');
const add = vm.compileFunction('return a + b', ['a', 'b']);
console.log(add(2, 3), add.length, typeof add.name);
const ctx = vm.createContext({ k: 100 });
console.log(vm.compileFunction('return k', [], { parsingContext: ctx })());
console.log(vm.compileFunction('return ext + 1', [], { contextExtensions: [{ ext: 41 }] })());
const f = vm.compileFunction('return this', []);
console.log(f.call(5) instanceof Number);
console.log(vm.compileFunction('"use strict"; return this')() === undefined);
console.log(vm.compileFunction('return arguments.length')(1, 2, 3));
