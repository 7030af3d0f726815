// compileFunction positions count from the body (point 7).
const vm = require('node:vm');
function at(f) {
  try { f(); } catch (e) { return e.stack.split('\n')[1].trim(); }
  return 'no throw';
}
console.log(at(vm.compileFunction('throw new Error("x")')));
console.log(at(vm.compileFunction('\n\n  throw new Error("x")')));
console.log(at(vm.compileFunction('throw new Error("x")', [], { lineOffset: 3 })));
console.log(at(vm.compileFunction('throw new Error("x")', [], { columnOffset: 4 })));
console.log(at(vm.compileFunction('\nthrow new Error("x")', [], { columnOffset: 4 })));
console.log(at(vm.compileFunction('throw new Error("x")', [], { filename: 'cf.js', lineOffset: 1, columnOffset: 2 })));
