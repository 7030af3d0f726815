// createContext's own options: name, origin, codeGeneration, microtaskMode.
const vm = require('node:vm');
const bad = [
  [{}, 1], [{}, { name: 1 }], [{}, { origin: 2 }], [{}, { codeGeneration: 'x' }],
  [{}, { codeGeneration: { strings: 'no' } }], [{}, { codeGeneration: { wasm: 0 } }],
  [{}, { microtaskMode: 'sometimes' }], [1], ['s'],
];
for (const args of bad) {
  try {
    vm.createContext(...args);
    console.log('ok');
  } catch (e) {
    console.log(e.name, e.code, e.message);
  }
}
const c = vm.createContext({ a: 1 }, { name: 'n', origin: 'https://o.example' });
console.log(vm.isContext(c), vm.runInContext('a + 1', c));
console.log(vm.createContext(c) === c);
