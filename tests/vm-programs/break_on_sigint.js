// breakOnSigint is validated and otherwise harmless.
const vm = require('node:vm');
console.log(vm.runInThisContext('"fine"', { breakOnSigint: true }));
console.log(new vm.Script('2').runInNewContext({}, { breakOnSigint: false }));
try { vm.runInThisContext('1', { breakOnSigint: 1 }); } catch (e) { console.log(e.name, e.code, e.message); }
