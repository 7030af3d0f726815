// Error.stackTraceLimit is honoured (point 9).
const vm = require('node:vm');
const d = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
console.log(d.value, d.writable, d.enumerable, d.configurable);
function deep(n) { if (n === 0) throw new Error('deep'); deep(n - 1); }
function frames() { try { deep(20); } catch (e) { return e.stack === undefined ? 'none' : e.stack.split('\n').length - 1; } }
for (const limit of [0, 1, 3, 10, 1.9, -2, undefined, '4']) {
  Error.stackTraceLimit = limit;
  console.log(String(limit), frames());
}
Error.stackTraceLimit = Infinity;
console.log('Infinity', frames() > 21);
Error.stackTraceLimit = 2;
try { vm.runInThisContext('function a() { throw new Error("v") } function b() { a() } b()', { filename: 'lim.js' }); } catch (e) {
  console.log(e.stack.split('\n').slice(4).map((l) => l.trim()).join(' | '));
}
Error.stackTraceLimit = undefined;
const e = new TypeError('no stack');
console.log(e.stack, String(e));
console.log(e);
Error.stackTraceLimit = 10;
const o = {};
Error.captureStackTrace(o);
console.log(typeof o.stack);
