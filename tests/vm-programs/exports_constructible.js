// vm's functions are ordinary functions: new works as a call with a fresh this.
const vm = require('node:vm');
const made = new vm.createContext({ v: 1 });
console.log(vm.isContext(made), made.v);
const b = new vm.isContext({});
console.log(typeof b, b instanceof vm.isContext);
const s = new vm.createScript('1');
console.log(s instanceof vm.Script);
console.log(typeof new vm.runInThisContext('({ r: 1 })'), new vm.runInThisContext('({ r: 1 })').r);
console.log(new vm.runInNewContext('5') instanceof vm.runInNewContext);
