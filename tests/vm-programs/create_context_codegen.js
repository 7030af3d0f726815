// createContext({}, { codeGeneration }): strings off; indirect eval too.
const vm = require('node:vm');
const ctx = vm.createContext({}, { codeGeneration: { strings: false } });
for (const code of ['eval("1")', '(0, eval)("1")', 'new Function("")', 'setTimeout', '"ok"']) {
  try {
    console.log(code, '->', String(vm.runInContext(code, ctx)));
  } catch (e) {
    console.log(code, 'threw', e.name, e.message);
  }
}
const on = vm.createContext({}, { codeGeneration: { strings: true, wasm: false } });
console.log(vm.runInContext('eval("2 * 21")', on));
