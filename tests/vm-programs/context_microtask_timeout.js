// afterEvaluate contexts: a timeout also bounds the context's own jobs.
const vm = require('node:vm');
const ctx = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
try {
  vm.runInContext('Promise.resolve().then(() => { for (;;) {} })', ctx, { timeout: 20 });
  console.log('returned');
} catch (e) {
  console.log(e.code);
}
console.log(vm.runInContext('1 + 2', ctx));
