// A module evaluated in a context sees that context's global.
import vm from 'node:vm';
const context = vm.createContext({ secret: 42 });
const m = new vm.SourceTextModule('export const s = secret; export const g = globalThis;', { context });
await m.link(() => {});
await m.evaluate();
console.log(m.namespace.s, m.namespace.g === vm.runInContext('globalThis', context));
console.log(m.context === context);
const plain = new vm.SourceTextModule('export default typeof secret;');
console.log(plain.context === undefined, typeof plain.context);
try { new vm.SourceTextModule('', { context: {} }); } catch (e) { console.log(e.name, e.code, e.message); }
