// A Script with a syntax error throws at construction.
const vm = require('node:vm');
for (const code of ['var', '1 +', 'let let = 1', 'return 1', '}', 'await 1']) {
  try {
    new vm.Script(code);
    console.log('ok', code);
  } catch (e) {
    console.log(e.name, e instanceof SyntaxError, code);
  }
}
try { new vm.Script(1); } catch (e) { console.log(e.name, e.code, e.message); }
try { vm.Script('1'); } catch (e) { console.log(e.name, e.code); }
