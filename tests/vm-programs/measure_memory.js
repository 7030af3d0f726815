// measureMemory validates its options; the detailed result has current and other (point 9).
const vm = require('node:vm');
for (const o of [{ execution: 'bad' }, { mode: 'bad' }, { execution: 1 }, { mode: null }, 1, null, 'x']) {
  try { vm.measureMemory(o); console.log('ok'); } catch (e) { console.log(e.name, e.code, e.message); }
}
console.log(vm.measureMemory({ execution: 'eager' }) instanceof Promise);
vm.measureMemory({ mode: 'detailed', execution: 'eager' }).then((r) => {
  console.log(Object.keys(r).join(), Object.keys(r.total).join());
  console.log(typeof r.current.jsMemoryEstimate, r.current.jsMemoryRange.length, Array.isArray(r.other));
  return vm.measureMemory({ mode: 'summary', execution: 'eager' });
}).then((r) => console.log(Object.keys(r).join(), r.total.jsMemoryEstimate > 0));
