// filename shows in stack traces; the default is evalmachine.<anonymous>.
const vm = require('node:vm');
function frame(e, name) { return e.stack.split('\n').find((l) => l.includes(name)).trim(); }
try { vm.runInThisContext('\n  throw new Error("a")'); } catch (e) { console.log(frame(e, 'evalmachine')); }
try { vm.runInThisContext('function g() { throw new TypeError("b") }\ng()', { filename: 'g.js' }); } catch (e) {
  console.log(e.stack.split('\n').slice(4, 7).map((l) => l.trim()).join(' | '));
}
try { new vm.Script('x.y', { filename: 'ref.js' }).runInNewContext(); } catch (e) { console.log(e.name, frame(e, 'ref.js')); }
