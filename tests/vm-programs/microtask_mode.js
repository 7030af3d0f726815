// microtaskMode: 'afterEvaluate' runs the context's jobs before runInContext returns.
const vm = require('node:vm');
const log = [];
const ctx = vm.createContext({ log }, { microtaskMode: 'afterEvaluate' });
vm.runInContext('Promise.resolve().then(() => log.push("inner job"))', ctx);
log.push('after run');
const plain = vm.createContext({ log });
vm.runInContext('Promise.resolve().then(() => log.push("plain job"))', plain);
log.push('after plain');
Promise.resolve().then(() => console.log(log.join(', ')));
