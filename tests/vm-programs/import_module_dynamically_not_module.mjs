// importModuleDynamically returning something else rejects with ERR_VM_MODULE_NOT_MODULE.
import vm from 'node:vm';
for (const answer of [{}, 1, null]) {
  const s = new vm.Script('import("x")', { importModuleDynamically: () => answer });
  try { await s.runInThisContext(); console.log('resolved'); } catch (e) { console.log(e.name, e.code, e.message); }
}
const missing = new vm.Script('import("x")');
try { await missing.runInThisContext(); } catch (e) { console.log(e.name, e.code, e.message); }
// (Node 20's message says "of type function"; later versions name USE_MAIN_CONTEXT_DEFAULT_LOADER too.)
try { new vm.Script('1', { importModuleDynamically: 1 }); } catch (e) { console.log(e.name, e.code); }
