// Sandbox getters and setters run when the context reads and writes.
const vm = require('node:vm');
const log = [];
const sb = {};
let stored = 1;
Object.defineProperty(sb, 'v', { get() { log.push('get'); return stored; }, set(x) { log.push('set ' + x); stored = x; }, configurable: true });
vm.createContext(sb);
console.log(vm.runInContext('v + 1', sb));
vm.runInContext('v = 10', sb);
console.log(stored, log.join(', '));
Object.defineProperty(sb, 'ro', { value: 'fixed', writable: false });
vm.runInContext('ro = "changed"', sb);
console.log(sb.ro);
try { vm.runInContext('"use strict"; ro = "changed"', sb); } catch (e) { console.log(e.name); }
