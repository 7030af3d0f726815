// Directive-only code completes with its last string (issue 16 point 1).
const vm = require('node:vm');
console.log(vm.runInNewContext('"passed";'));
console.log(new vm.Script("'passed';").runInThisContext());
console.log(eval('"use strict";'));
console.log(eval('"a"; "b";'));
console.log(vm.runInThisContext('"use strict"; "second"'));
console.log(vm.runInNewContext('"use strict"; var x = 1;'));
console.log(vm.runInNewContext('"x"; function f() {}'));
console.log(vm.runInNewContext('"x"\n"y"'));
console.log(vm.runInNewContext(''));
console.log(vm.runInNewContext('"a"; 5'));
