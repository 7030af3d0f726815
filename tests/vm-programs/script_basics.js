// vm.Script: run in this, a given and a new context.
const vm = require('node:vm');
globalThis.counter = 0;
const s = new vm.Script('globalThis.counter = (globalThis.counter || 0) + 1; typeof globalThis.counter');
console.log(s.runInThisContext(), globalThis.counter);
const ctx = vm.createContext({ counter: 10 });
console.log(s.runInContext(ctx), ctx.counter);
console.log(s.runInNewContext({ counter: 100 }));
console.log(s.runInNewContext());
console.log(s instanceof vm.Script, typeof s.createCachedData);
console.log(vm.createScript('1 + 2').runInThisContext());
