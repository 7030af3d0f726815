// compileFunction produces and takes cached data.
const vm = require('node:vm');
const f = vm.compileFunction('return 6 * 7', [], { produceCachedData: true });
console.log(f(), f.cachedDataProduced, f.cachedData instanceof Uint8Array);
const g = vm.compileFunction('return 6 * 7', [], { cachedData: f.cachedData });
console.log(g(), g.cachedDataRejected);
const h = vm.compileFunction('return 0', [], { cachedData: f.cachedData });
console.log(h(), h.cachedDataRejected);
