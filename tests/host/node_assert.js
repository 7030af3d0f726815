// require('assert'): the loose and strict functions, AssertionError, throws/rejects validation.
// (Node's line diffs of failed deep comparisons are not reproduced: no such failure here.)
const assert = require('assert');
assert(true); assert.ok(1); assert.equal(1, '1'); assert.notEqual(1, 2);
assert.deepEqual({ a: 1 }, { a: '1' });
assert.deepStrictEqual([1, { b: 2 }, new Map([[1, new Set([2])]])], [1, { b: 2 }, new Map([[1, new Set([2])]])]);
assert.notDeepStrictEqual({ a: 1 }, { a: '1' });
const failing = [
  () => assert.strictEqual(1, 2),
  () => assert(false),
  () => assert.ok(0),
  () => assert.throws(() => {}),
  () => assert.throws(() => {}, TypeError),
  () => assert.notStrictEqual(1, 1),
  () => assert.fail('boom'),
  () => assert.fail(),
  () => assert.equal(1, 2),
  () => assert.strictEqual(1, 2, 'custom message'),
  () => assert.doesNotThrow(() => { throw new Error('inner'); }),
  () => assert.match('abc', /x/),
  () => assert.throws(() => { throw new TypeError('bad'); }, RangeError),
  () => assert.throws(() => { throw new TypeError('bad'); }, { message: 'good' }, 'wrong message'),
  () => assert.ifError(new RangeError('if')),
  () => assert.strictEqual(1, 2, new TypeError('mine')),
];
for (const f of failing) {
  try {
    f();
    console.log('no throw');
  } catch (e) {
    console.log(e.name, e.code, JSON.stringify(e.message), e instanceof assert.AssertionError,
      e.generatedMessage, e.operator);
  }
}
assert.throws(() => { throw new TypeError('bad'); }, TypeError);
assert.throws(() => { throw new TypeError('bad'); }, /bad/);
assert.throws(() => { throw new TypeError('bad'); }, { name: 'TypeError', message: /ba/ });
assert.throws(() => { throw new TypeError('bad'); }, (e) => e instanceof TypeError);
const e = new assert.AssertionError({ actual: 1, expected: 2, operator: 'strictEqual' });
console.log(e.name, e.code, e.actual, e.expected, e.operator, e.generatedMessage);
console.log(assert.strict.equal === assert.strictEqual, assert.strict.deepEqual === assert.deepStrictEqual,
  require('assert/strict') === assert.strict, require('node:assert') === assert);
assert.rejects(Promise.reject(new Error('no')), /no/).then(() => console.log('rejects ok'));
assert.rejects(Promise.resolve(1)).catch((e) => console.log(e.code, e.message));
assert.doesNotReject(async () => 1).then(() => console.log('doesNotReject ok'));
