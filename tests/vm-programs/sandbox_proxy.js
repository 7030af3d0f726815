// A proxy as the sandbox: its traps see the context's lookups.
const vm = require('node:vm');
const seen = new Set();
const sb = new Proxy({ x: 1 }, {
  get(t, k, r) { if (typeof k === 'string') seen.add('get ' + k); return Reflect.get(t, k, r); },
  set(t, k, v, r) { seen.add('set ' + String(k)); return Reflect.set(t, k, v, r); },
});
vm.createContext(sb);
console.log(vm.runInContext('x + 1', sb));
vm.runInContext('y = 2', sb);
console.log(seen.has('get x'), seen.has('set y'), sb.y);
