// A sandbox property whose value is the sandbox reads as the context's global (point 4).
const vm = require('node:vm');
const ctx = { x: 1 };
ctx.window = ctx;
vm.createContext(ctx);
console.log(vm.runInContext('this === window', ctx));
console.log(vm.runInContext('globalThis === window', ctx));
console.log(vm.runInContext('window.x', ctx));
console.log(vm.runInContext('window.window === window', ctx));
console.log(vm.runInContext('typeof window.Array', ctx));
console.log(vm.runInContext('window.y = 2; y', ctx), ctx.y);
