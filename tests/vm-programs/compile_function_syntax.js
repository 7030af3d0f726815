// A body that closes the wrapper is a syntax error like any other.
const vm = require('node:vm');
for (const body of ['}', '}); (function () {', 'return 1; }', 'let', '})']) {
  try {
    vm.compileFunction(body);
    console.log('ok');
  } catch (e) {
    console.log(e.name, e.message);
  }
}
