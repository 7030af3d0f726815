// Getters and later-added properties that give the sandbox read as the global too.
const vm = require('node:vm');
const ctx = {};
Object.defineProperty(ctx, 'self', { get() { return ctx; }, enumerable: true });
vm.createContext(ctx);
console.log(vm.runInContext('this === self', ctx));
ctx.later = ctx;
console.log(vm.runInContext('later === globalThis', ctx));
const proto = { me: null };
const child = Object.create(proto);
proto.me = child;
vm.createContext(child);
console.log(vm.runInContext('me === this', child));
console.log(vm.runInContext('[self][0] === this', ctx));
console.log(vm.runInContext('({ g: self }).g === globalThis', ctx));
