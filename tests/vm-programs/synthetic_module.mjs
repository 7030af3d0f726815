// SyntheticModule: setExport before and after evaluation.
import vm from 'node:vm';
const s = new vm.SyntheticModule(['x', 'y'], function () {
  this.setExport('x', 1);
  console.log('evaluating', typeof this.setExport);
});
try { s.setExport('x', 0); } catch (e) { console.log(e.name, e.code); }
await s.link(() => {});
console.log(s.status);
await s.evaluate();
console.log(s.status, s.namespace.x, s.namespace.y);
s.setExport('y', 'late');
console.log(s.namespace.y);
try { s.setExport('z', 1); } catch (e) { console.log(e.name, e.code, e.message); }
try { s.setExport(1, 1); } catch (e) { console.log(e.name, e.code, e.message); }
