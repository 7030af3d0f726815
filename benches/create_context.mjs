// The cost of `vm.createContext()`: 15 rounds of 1,000 contexts each, one process; prints the
// median and the fastest round as microseconds per context. Runs unchanged in Kiln and Node:
//   kiln run benches/create_context.mjs
//   node benches/create_context.mjs
import vm from 'node:vm';

const ROUNDS = 15;
const PER_ROUND = 1000;
const now = typeof performance === 'object' ? () => performance.now() : () => Date.now();
const perContext = [];
let keep;
for (let round = 0; round < ROUNDS; round++) {
  const started = now();
  for (let i = 0; i < PER_ROUND; i++) keep = vm.createContext();
  perContext.push(((now() - started) * 1000) / PER_ROUND);
}
perContext.sort((a, b) => a - b);
const median = perContext[Math.floor(ROUNDS / 2)];
console.log(`createContext: median ${median.toFixed(1)} us, fastest ${perContext[0].toFixed(1)} us per context (${ROUNDS} rounds of ${PER_ROUND}); last context usable: ${vm.runInContext('typeof Array', keep)}`);
