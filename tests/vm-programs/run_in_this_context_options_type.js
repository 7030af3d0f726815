// Options that are not objects: ERR_INVALID_ARG_TYPE.
const vm = require('node:vm');
const script = new vm.Script('1');
for (const bad of ['bad', 1, true, Symbol('s'), () => {}, []]) {
  try {
    script.runInThisContext(bad);
    console.log('ok', typeof bad);
  } catch (e) {
    console.log(e.name, e.code, e.message);
  }
}
console.log(script.runInThisContext(undefined), script.runInThisContext({}));
try { script.runInThisContext(null); console.log('null ok'); } catch (e) { console.log(e.name, e.code, e.message); }
