// runInNewContext with a self-referencing sandbox, and the global seen from outside.
const vm = require('node:vm');
const sb = {};
sb.top = sb;
console.log(vm.runInNewContext('top === this && top === globalThis', sb));
const g = vm.runInNewContext('this', sb);
console.log(g === sb, typeof g);
const ctx = vm.createContext({});
const inner = vm.runInContext('globalThis', ctx);
console.log(inner === ctx, vm.runInContext('this', ctx) === inner);
