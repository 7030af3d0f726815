// A string third argument is the filename.
const vm = require('node:vm');
console.log(vm.runInNewContext('1', {}, 'file.js'));
try {
  vm.runInNewContext('throw new Error("x")', {}, 'named.js');
} catch (e) {
  console.log(e.stack.split('\n').filter((l) => l.includes('named.js'))[0].trim());
}
console.log(vm.runInContext('2', vm.createContext(), 'other.js'));
try {
  vm.runInContext('null.x', vm.createContext(), 'ctx.js');
} catch (e) {
  console.log(e.name, e.stack.split('\n')[0]);
  console.log(e.stack.split('\n').find((l) => l.includes('ctx.js:')).trim());
}
