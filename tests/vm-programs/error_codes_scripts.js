// The error codes of Script and its methods, in one place.
const vm = require('node:vm');
const calls = {
  'new Script(undefined)': () => new vm.Script(),
  'Script filename 1': () => new vm.Script('1', { filename: 1 }),
  'Script produceCachedData 1': () => new vm.Script('1', { produceCachedData: 1 }),
  'Script cachedData {}': () => new vm.Script('1', { cachedData: {} }),
  'runInContext(undefined)': () => new vm.Script('1').runInContext(),
  'runInNewContext(1)': () => new vm.Script('1').runInNewContext(1),
  'timeout 0': () => new vm.Script('1').runInThisContext({ timeout: 0 }),
  'timeout 1e10': () => new vm.Script('1').runInThisContext({ timeout: 1e10 }),
  'createCachedData on non-script': () => vm.Script.prototype.createCachedData.call({}),
};
for (const [label, f] of Object.entries(calls)) {
  try { f(); console.log(label, 'ok'); } catch (e) { console.log(label, e.name, e.code); }
}
