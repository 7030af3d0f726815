// The sandbox backs the context global both ways.
const vm = require('node:vm');
const sb = { a: 1 };
vm.createContext(sb);
vm.runInContext('var b = 2; c = 3; a += 10; function f() { return "f"; }', sb);
console.log(sb.a, sb.b, sb.c, typeof sb.f);
sb.d = 4;
console.log(vm.runInContext('d + a', sb));
vm.runInContext('let lex = 5; const k = 6;', sb);
console.log('lex' in sb, vm.runInContext('lex + k', sb));
console.log(Object.keys(sb).sort().join());
