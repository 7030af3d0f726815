// The linker must return modules of the same context.
import vm from 'node:vm';
async function attempt(answer) {
  const m = new vm.SourceTextModule('import "x";');
  try { await m.link(() => answer); console.log('linked'); } catch (e) { console.log(e.name, e.code, e.message); }
}
await attempt({});
await attempt(undefined);
await attempt(new vm.SourceTextModule('', { context: vm.createContext() }));
const m = new vm.SourceTextModule('import "y";');
try { await m.link(1); } catch (e) { console.log(e.name, e.code, e.message); }
const thrower = new vm.SourceTextModule('import "z";');
try { await thrower.link(() => { throw new Error('linker says no'); }); } catch (e) { console.log(e.message, thrower.status); }
