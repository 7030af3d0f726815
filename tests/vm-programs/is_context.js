// vm.isContext.
const vm = require('node:vm');
const o = {};
console.log(vm.isContext(o));
vm.createContext(o);
console.log(vm.isContext(o));
console.log(vm.isContext(vm.createContext()));
for (const bad of [1, 'x', null, undefined]) {
  try { vm.isContext(bad); console.log('ok'); } catch (e) { console.log(e.name, e.code, e.message); }
}
