// runInContext needs a contextified object; code must be a string.
const vm = require('node:vm');
const calls = [
  () => vm.runInContext('1', {}),
  () => vm.runInContext('1'),
  () => vm.runInContext('1', 5),
  () => vm.runInContext(1, vm.createContext()),
  () => new vm.Script('1').runInContext({}),
  () => vm.runInNewContext('1', 5),
  () => vm.runInNewContext('1', {}, 5),
  () => vm.runInThisContext(Symbol('s')),
];
for (const c of calls) {
  try { console.log('ok', c()); } catch (e) { console.log(e.name, e.code, e.message); }
}
