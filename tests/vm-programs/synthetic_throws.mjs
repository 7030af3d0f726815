// A synthetic module whose callback throws is errored.
import vm from 'node:vm';
const s = new vm.SyntheticModule([], () => { throw new TypeError('nope'); });
await s.link(() => {});
try { await s.evaluate(); } catch (e) { console.log('rejected', e.name, e.message); }
console.log(s.status, s.error.message);
