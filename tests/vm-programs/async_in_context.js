// Promises and async functions made in a context run on the program's queue.
const vm = require('node:vm');
const ctx = vm.createContext({ out: (v) => console.log('out', v) });
vm.runInContext('(async () => { await null; out("async 1"); })(); Promise.resolve(2).then(out)', ctx);
console.log('sync');
const p = vm.runInContext('Promise.resolve("from context")', ctx);
p.then((v) => console.log(v, p instanceof Promise));
