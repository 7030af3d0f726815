// The exports of node:vm, their lengths and constructibility (point 9).
const vm = require('node:vm');
for (const name of ['createContext', 'createScript', 'runInContext', 'runInNewContext',
  'runInThisContext', 'isContext', 'compileFunction', 'measureMemory']) {
  const f = vm[name];
  const d = Object.getOwnPropertyDescriptor(vm, name);
  console.log(name, typeof f, f.length, f.name, 'prototype' in f, d.enumerable, d.writable);
}
console.log(typeof vm.Script, typeof vm.constants);
console.log(require('vm') === vm);
