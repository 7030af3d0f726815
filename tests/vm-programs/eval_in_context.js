// Direct and indirect eval inside a context use that context's globals.
const vm = require('node:vm');
const ctx = vm.createContext({ x: 'ctx' });
console.log(vm.runInContext('var x2 = "inner"; eval("x + \' \' + x2")', ctx));
console.log(vm.runInContext('(0, eval)("typeof x2")', ctx));
console.log(vm.runInContext('(function () { var x = "local"; return [eval("x"), (0, eval)("x")].join(); })()', ctx));
console.log(vm.runInContext('new Function("return x")()', ctx));
