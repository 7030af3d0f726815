// contextName, contextOrigin and contextCodeGeneration are validated with Node's codes.
const vm = require('node:vm');
const options = [
  { contextName: 1 }, { contextOrigin: 1 }, { contextCodeGeneration: 1 },
  { contextCodeGeneration: { wasm: 1 } }, { contextCodeGeneration: { strings: 1 } },
  { contextName: 'x' }, { contextOrigin: 'https://example.org' }, { contextCodeGeneration: null },
  { microtaskMode: 'nope' }, { microtaskMode: 'afterEvaluate' }, { contextName: null },
];
for (const o of options) {
  try {
    console.log(JSON.stringify(o), vm.runInNewContext('1', {}, o));
  } catch (e) {
    console.log(JSON.stringify(o), e.name, e.code, e.message);
  }
}
