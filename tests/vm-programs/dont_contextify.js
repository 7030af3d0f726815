// vm.constants.DONT_CONTEXTIFY gives an ordinary global.
const vm = require('node:vm');
console.log(typeof vm.constants.DONT_CONTEXTIFY, typeof vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER);
console.log(Object.isFrozen(vm.constants), Object.keys(vm.constants).join());
if (vm.constants.DONT_CONTEXTIFY) {
  const g = vm.createContext(vm.constants.DONT_CONTEXTIFY);
  console.log(vm.isContext(g));
  console.log(vm.runInContext('globalThis', g) === g);
  vm.runInContext('var v = 7', g);
  console.log(g.v);
  Object.freeze(g);
  console.log(Object.isFrozen(g));
}
