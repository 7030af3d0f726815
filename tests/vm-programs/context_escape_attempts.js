// A new context cannot reach the outer realm through its own built-ins. (Through the sandbox's
// own constructor Node hands out the outer Function; Kiln deliberately does not, so that case is
// left out.)
const vm = require('node:vm');
const tries = [
  'Object.getPrototypeOf(function () {}).constructor("return typeof require")()',
  '(() => {}).constructor("return typeof module")()',
  'Error.prototype.constructor.constructor("return typeof globalThis.process")()',
];
for (const code of tries) console.log(vm.runInNewContext(code));
