// Contexts are built when code first runs in them: what the host does to a context before that
// (its sandbox's properties, its options) must hold once it is built, and each context gets
// its own built-ins however many were made and never used.
const vm = require('node:vm');

const made = [];
for (let i = 0; i < 2000; i++) made.push(vm.createContext({ index: i }));
console.log(made.every(c => vm.isContext(c)), made[1234].index);

// Sandbox properties set before the first run are globals inside.
const early = vm.createContext({});
early.before = 'set before the first run';
Object.defineProperty(early, 'fixed', { value: 42, enumerable: false });
console.log(vm.runInContext('before + " / " + fixed', early));
console.log(vm.runInContext('var declared = typeof Array; declared', early), early.declared);

// Options given at creation hold at the first run.
const strict = vm.createContext({}, { codeGeneration: { strings: false } });
try {
  vm.runInContext('eval("1")', strict);
} catch (e) {
  console.log('eval refused:', e.name);
}
const deferred = vm.createContext({ log: [] }, { microtaskMode: 'afterEvaluate' });
vm.runInContext('Promise.resolve().then(() => log.push("job ran"))', deferred);
console.log(deferred.log);

// Each context has its own intrinsics, distinct from the outer realm's and from each other's.
const a = made[10], b = made[1999];
console.log(vm.runInContext('Array', a) !== Array, vm.runInContext('Array', a) !== vm.runInContext('Array', b));
console.log(vm.runInContext('[] instanceof Array', b), vm.runInContext('[]', b) instanceof Array);
console.log(Object.getPrototypeOf(vm.runInContext('({})', a)) === Object.prototype);
console.log(vm.runInContext('Object.getPrototypeOf(Object.getPrototypeOf([].values()))', a) ===
  vm.runInContext('Object.getPrototypeOf(Object.getPrototypeOf([].values()))', b));

// A script made once runs in contexts built at its first run.
const script = new vm.Script('globalThis.count = (globalThis.count || 0) + index; count');
console.log(made.slice(0, 5).map(c => script.runInContext(c)).join(','));
console.log(made.slice(0, 5).map(c => script.runInContext(c)).join(','));

