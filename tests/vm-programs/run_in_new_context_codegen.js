// runInNewContext honours contextCodeGeneration (issue 16 point 3).
const vm = require('node:vm');
const off = { contextCodeGeneration: { strings: false } };
for (const code of ['eval("1 + 1")', 'new Function("return 1")()', 'Function("return 2")()',
  '(async function () {}).constructor("return 3")', '(function* () {}).constructor("yield 4")', '1 + 1']) {
  try {
    console.log(code, '->', String(vm.runInNewContext(code, {}, off)));
  } catch (e) {
    console.log(code, 'threw', e.name, e.message, e instanceof EvalError);
  }
}
console.log(vm.runInNewContext('eval("1 + 1")', {}, { contextCodeGeneration: { strings: true } }));
console.log(vm.runInNewContext('eval("1 + 1")', {}, { contextCodeGeneration: {} }));
