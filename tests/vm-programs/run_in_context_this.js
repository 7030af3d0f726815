// Functions made in a context keep it.
const vm = require('node:vm');
const ctx = vm.createContext({ n: 1 });
const bump = vm.runInContext('(function () { return ++n; })', ctx);
console.log(bump(), bump(), ctx.n);
const getGlobal = vm.runInContext('() => this', ctx);
console.log(getGlobal() === vm.runInContext('globalThis', ctx));
const err = vm.runInContext('new Error("e")', ctx);
console.log(err instanceof Error, err instanceof vm.runInContext('Error', ctx));
