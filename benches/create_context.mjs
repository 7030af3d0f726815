// The cost of `vm.createContext()`, in one process, in two cases:
// - dropped: 15 rounds of 1,000 contexts each, every context garbage at once; the median and the
//   fastest round as microseconds per context;
// - kept alive: 5,000 contexts held in an array; microseconds per context, and the growth of the
//   process's resident memory (`process.memoryUsage().rss`) per context;
// - entered: 5 rounds of 200 contexts that each run `1` once and are dropped (a context's
//   built-ins are made when code first runs in it); the median round;
// - entered and kept: 1,000 contexts that each run `1` once, held in an array; microseconds
//   and resident memory per context.
// Runs unchanged in Kiln and Node:
//   kiln run benches/create_context.mjs
//   node benches/create_context.mjs
import vm from 'node:vm';

const ROUNDS = 15;
const PER_ROUND = 1000;
const KEPT = 5000;
const now = typeof performance === 'object' ? () => performance.now() : () => Date.now();
const rss = () => process.memoryUsage().rss;

const perContext = [];
let keep;
for (let round = 0; round < ROUNDS; round++) {
  const started = now();
  for (let i = 0; i < PER_ROUND; i++) keep = vm.createContext();
  perContext.push(((now() - started) * 1000) / PER_ROUND);
}
perContext.sort((a, b) => a - b);
const median = perContext[Math.floor(ROUNDS / 2)];
console.log(`createContext, dropped: median ${median.toFixed(1)} us, fastest ${perContext[0].toFixed(1)} us per context (${ROUNDS} rounds of ${PER_ROUND}); last context usable: ${vm.runInContext('typeof Array', keep)}`);

const kept = [];
const rssBefore = rss();
const started = now();
for (let i = 0; i < KEPT; i++) kept.push(vm.createContext());
const elapsed = now() - started;
const rssAfter = rss();
const usable = kept.every((c, i) => i % 500 !== 0 || vm.runInContext('typeof Array', c) === 'function');
console.log(`createContext, kept alive: ${((elapsed * 1000) / KEPT).toFixed(1)} us per context, RSS +${((rssAfter - rssBefore) / KEPT / 1024).toFixed(1)} KB per context (${KEPT} contexts, RSS ${(rssAfter / 1048576).toFixed(0)} MB); all usable: ${usable}`);

const entered = [];
for (let round = 0; round < 5; round++) {
  const started = now();
  for (let i = 0; i < 200; i++) vm.runInContext('1', vm.createContext());
  entered.push(((now() - started) * 1000) / 200);
}
entered.sort((a, b) => a - b);
console.log(`createContext and runInContext('1'), dropped: median ${entered[2].toFixed(1)} us per context (5 rounds of 200)`);

const enteredKept = [];
const rssBeforeEntered = rss();
const startedEntered = now();
for (let i = 0; i < 1000; i++) {
  const context = vm.createContext();
  vm.runInContext('1', context);
  enteredKept.push(context);
}
const elapsedEntered = now() - startedEntered;
const rssAfterEntered = rss();
const enteredUs = ((elapsedEntered * 1000) / enteredKept.length).toFixed(1);
const enteredKb = ((rssAfterEntered - rssBeforeEntered) / enteredKept.length / 1024).toFixed(1);
console.log(`createContext and runInContext('1'), kept alive: ${enteredUs} us, RSS +${enteredKb} KB per context (${enteredKept.length} contexts)`);
