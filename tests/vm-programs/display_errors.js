// displayErrors decorates the stack with the offending line; false leaves it alone.
const vm = require('node:vm');
try { vm.runInThisContext('let q = 1;\nq.r.s', { filename: 'd.js' }); } catch (e) {
  console.log(e.stack.split('\n').slice(0, 5).join('\n'));
}
try { vm.runInThisContext('null.p', { filename: 'n.js', displayErrors: false }); } catch (e) {
  console.log(e.stack.split('\n')[0]);
}
try { vm.runInThisContext('1', { displayErrors: 'yes' }); } catch (e) { console.log(e.name, e.code, e.message); }
