// timeout stops the script with ERR_SCRIPT_EXECUTION_TIMEOUT; the program goes on.
const vm = require('node:vm');
try { vm.runInNewContext('for (;;) {}', {}, { timeout: 20 }); } catch (e) { console.log(e.name, e.code, e.message); }
try { vm.runInThisContext('while (true) {}', { timeout: 10 }); } catch (e) { console.log(e.name, e.code, e.message); }
console.log(vm.runInNewContext('let s = 0; for (let i = 0; i < 1000; i++) s += i; s', {}, { timeout: 1000 }));
for (const t of [0, -1, 1.5, 'x', 2 ** 32]) {
  try { vm.runInNewContext('1', {}, { timeout: t }); console.log('ok', t); } catch (e) { console.log(e.name, e.code, e.message); }
}
