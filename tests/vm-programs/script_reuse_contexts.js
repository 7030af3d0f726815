// One Script runs in many contexts, each with its own globals.
const vm = require('node:vm');
const s = new vm.Script('count = (typeof count === "number" ? count : 0) + 1; count');
const contexts = [vm.createContext({}), vm.createContext({ count: 10 })];
for (let i = 0; i < 3; i++) console.log(contexts.map((c) => s.runInContext(c)).join());
console.log(contexts.map((c) => c.count).join());
