// Script#sourceMapURL comes from the magic comment.
const vm = require('node:vm');
console.log(new vm.Script('1\n//# sourceMappingURL=app.js.map').sourceMapURL);
console.log(new vm.Script('1').sourceMapURL);
console.log(new vm.Script('//# sourceMappingURL=first.map\n//# sourceMappingURL=second.map').sourceMapURL);
