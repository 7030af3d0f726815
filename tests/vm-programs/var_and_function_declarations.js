// Declarations in contexts and in this context.
const vm = require('node:vm');
vm.runInThisContext('var declaredByVm = 1; function fnByVm() { return 2; }');
console.log(globalThis.declaredByVm, typeof globalThis.fnByVm);
vm.runInThisContext('let lexicalByVm = 3;');
console.log(typeof globalThis.lexicalByVm, vm.runInThisContext('lexicalByVm'));
try { vm.runInThisContext('let lexicalByVm = 4;'); } catch (e) { console.log(e.name); }
const ctx = vm.createContext({});
vm.runInContext('class K {} var kType = typeof K;', ctx);
console.log(ctx.kType, 'K' in ctx);
