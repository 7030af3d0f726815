// SourceTextModule validates its options.
import vm from 'node:vm';
const calls = [
  () => new vm.SourceTextModule(1),
  () => new vm.SourceTextModule('', 1),
  () => new vm.SourceTextModule('', { identifier: 1 }),
  () => new vm.SourceTextModule('', { lineOffset: 1.5 }),
  () => new vm.SourceTextModule('', { columnOffset: 'a' }),
  () => new vm.SourceTextModule('', { initializeImportMeta: 1 }),
  () => new vm.SourceTextModule('', { context: 1 }),
  () => vm.SourceTextModule(''),
];
for (const c of calls) {
  try { c(); console.log('ok'); } catch (e) { console.log(e.name, e.code); }
}
