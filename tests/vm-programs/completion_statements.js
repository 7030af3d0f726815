// Completion values of statements as scripts return them.
const vm = require('node:vm');
const cases = [
  '1; if (true) {}',
  '1; if (false) 2;',
  '1; do { 2; break; } while (false)',
  '1; for (var i = 0; i < 2; i++) i * 10',
  '1; try { 2 } finally { 3 }',
  '1; try { throw 0 } catch (e) { "caught" }',
  'var a = 5',
  'let b = 6; b',
  '3; label: { 4; break label; }',
  'switch (2) { case 1: "one"; case 2: "two"; case 3: "three"; break; }',
  'class C {}',
  '7; while (false);',
];
for (const c of cases) console.log(JSON.stringify(c), '->', String(vm.runInNewContext(c)));
