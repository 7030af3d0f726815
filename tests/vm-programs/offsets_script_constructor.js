// new vm.Script validates its offsets the same way.
const vm = require('node:vm');
for (const v of [1e10, -0.5, 'x', false]) {
  try {
    new vm.Script('1', { lineOffset: v });
    console.log('ok');
  } catch (e) {
    console.log(e.name, e.code, e.message);
  }
}
const s = new vm.Script('\n\nthrow new Error("here")', { filename: 'off.js', lineOffset: 10, columnOffset: 5 });
try { s.runInThisContext(); } catch (e) { console.log(e.stack.split('\n').find((l) => l.includes('off.js:')).trim()); }
const t = new vm.Script('throw new Error("first line")', { filename: 'col.js', columnOffset: 5 });
try { t.runInThisContext(); } catch (e) { console.log(e.stack.split('\n').find((l) => l.includes('col.js:')).trim()); }
