// Strict and sloppy code in a context.
const vm = require('node:vm');
const ctx = vm.createContext({});
console.log(vm.runInContext('(function () { return this === undefined; })()', ctx));
console.log(vm.runInContext('"use strict"; (function () { return this === undefined; })()', ctx));
try { vm.runInContext('"use strict"; undeclared = 1', ctx); } catch (e) { console.log(e.name); }
vm.runInContext('implicit = 2', ctx);
console.log(ctx.implicit);
