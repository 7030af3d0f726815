// A timeout cannot be caught by the script itself.
const vm = require('node:vm');
const ctx = vm.createContext({ log: [] });
try {
  vm.runInContext('try { for (;;) {} } catch (e) { log.push("caught") } finally { log.push("finally") }', ctx, { timeout: 20 });
} catch (e) {
  console.log(e.code);
}
console.log(JSON.stringify(ctx.log));
console.log(vm.runInContext('1 + 1', ctx));
