// contextExtensions shadow globals, in order; parsingContext gives the globals.
const vm = require('node:vm');
const ctx = vm.createContext({ a: 'ctx-a', b: 'ctx-b' });
const f = vm.compileFunction('return [a, b, typeof c].join()', [], {
  parsingContext: ctx,
  contextExtensions: [{ a: 'ext-a' }],
});
console.log(f());
const g = vm.compileFunction('x = 5; return x', [], { contextExtensions: [{ x: 1 }] });
console.log(g());
