// USE_MAIN_CONTEXT_DEFAULT_LOADER lets import() in a script use the main loader.
import vm from 'node:vm';
const { USE_MAIN_CONTEXT_DEFAULT_LOADER } = vm.constants;
const s = new vm.Script('import("node:vm")', { importModuleDynamically: USE_MAIN_CONTEXT_DEFAULT_LOADER });
const ns = await s.runInThisContext();
console.log(typeof ns.default.runInThisContext, ns.default === vm);
