// A sandbox's own prototype chain is visible inside.
const vm = require('node:vm');
class Sandbox { constructor() { this.own = 1; } method() { return 'm'; } }
const sb = new Sandbox();
vm.createContext(sb);
console.log(vm.runInContext('own', sb), vm.runInContext('typeof method', sb));
console.log(vm.runInContext('typeof Function', sb));
