// Scripts make and take cached data.
const vm = require('node:vm');
const s = new vm.Script('1 + 41', { produceCachedData: true });
console.log(typeof s.cachedDataProduced, s.cachedData instanceof Uint8Array);
const data = s.createCachedData();
console.log(data instanceof Uint8Array, data.length > 0);
const again = new vm.Script('1 + 41', { cachedData: data });
console.log(again.cachedDataRejected, again.runInThisContext());
const other = new vm.Script('2 + 2', { cachedData: data });
console.log(other.cachedDataRejected, other.runInThisContext());
const none = new vm.Script('3');
console.log(none.cachedDataRejected);
try { new vm.Script('1', { cachedData: 'x' }); } catch (e) { console.log(e.name, e.code); }
