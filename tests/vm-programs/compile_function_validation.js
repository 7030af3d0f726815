// compileFunction's argument and option errors.
const vm = require('node:vm');
const calls = [
  () => vm.compileFunction(1),
  () => vm.compileFunction('', 'a'),
  () => vm.compileFunction('', [1]),
  () => vm.compileFunction('', [], 1),
  () => vm.compileFunction('', [], { filename: 1 }),
  () => vm.compileFunction('', [], { parsingContext: {} }),
  () => vm.compileFunction('', [], { contextExtensions: {} }),
  () => vm.compileFunction('', [], { contextExtensions: [1] }),
  () => vm.compileFunction('', [], { produceCachedData: 1 }),
  () => vm.compileFunction('', [], { lineOffset: 0.5 }),
];
for (const c of calls) {
  try { c(); console.log('ok'); } catch (e) { console.log(e.name, e.code, e.message); }
}
