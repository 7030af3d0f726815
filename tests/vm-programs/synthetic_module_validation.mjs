// SyntheticModule's arguments.
import vm from 'node:vm';
const calls = [
  () => new vm.SyntheticModule('x', () => {}),
  () => new vm.SyntheticModule([1], () => {}),
  () => new vm.SyntheticModule(['a', 'a'], () => {}),
  () => new vm.SyntheticModule([], 'f'),
  () => new vm.SyntheticModule([], () => {}, 1),
  () => new vm.SyntheticModule([], () => {}, { identifier: 1 }),
  () => vm.SyntheticModule([], () => {}),
  () => new vm.Module(),
];
for (const c of calls) {
  try { c(); console.log('ok'); } catch (e) { console.log(e.name, e.code, e.message); }
}
