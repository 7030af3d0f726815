// Completion values of try/finally: a finally that completes normally keeps the try's value;
// one that breaks keeps its own, undefined if it has none.
const vm = require('node:vm');
const cases = [
  '6; try { 7; } finally { 8; }',
  '4; try { } finally { 5; }',
  '1; try { throw 0 } catch (e) { 9 } finally { 10 }',
  'do { try { 1; break; } finally { 2 } } while (0)',
  'do { try { 1 } finally { 2; break; } } while (0)',
  '99; do { -99; try { 39 } catch (e) { -1 } finally { break; -2 } } while (false);',
  'l: try { 3; } finally { break l; }',
  'do { try { 5; } finally { continue; } } while (0)',
  'try { 1 } finally { try { 2 } finally { 3 } }',
];
for (const c of cases) console.log(JSON.stringify(c), '->', String(vm.runInNewContext(c)));
