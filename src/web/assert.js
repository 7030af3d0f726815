// Node's `assert`: the legacy (loose) functions and `assert.strict`, AssertionError with
// code ERR_ASSERTION, throws/rejects with Node's validation of the expected error. Messages
// follow Node's wording; Node's source-reading message for a falsy `assert(x)` and its
// line-by-line diffs of deep-equality failures are not reproduced (both values are shown).
(function (natives, global, util, deepEqual) {
  'use strict';
  const { inspect } = util;

  class AssertionError extends Error {
    constructor(options) {
      if (options === null || typeof options !== 'object') {
        const e = new TypeError('The "options" argument must be of type object.');
        Object.defineProperty(e, 'code', { value: 'ERR_INVALID_ARG_TYPE', configurable: true });
        throw e;
      }
      const { message, actual, expected, operator } = options;
      super(message === undefined ? generated(actual, expected, operator) : `${message}`);
      this.generatedMessage = message === undefined;
      this.code = 'ERR_ASSERTION';
      this.actual = actual;
      this.expected = expected;
      this.operator = operator;
    }
    toString() {
      return `${this.name} [${this.code}]: ${this.message}`;
    }
  }
  Object.defineProperty(AssertionError.prototype, 'name', {
    value: 'AssertionError', writable: true, configurable: true,
  });

  const headers = {
    deepStrictEqual: 'Expected values to be strictly deep-equal:',
    deepEqual: 'Expected values to be loosely deep-equal:',
    notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
    notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
    notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  };
  function generated(actual, expected, operator) {
    switch (operator) {
      case 'strictEqual':
        if (typeof actual === 'object' && actual !== null ||
          typeof expected === 'object' && expected !== null) {
          return `Expected values to be strictly equal:\n+ actual - expected\n\n+ ${
            inspect(actual)}\n- ${inspect(expected)}\n`;
        }
        return `Expected values to be strictly equal:\n\n${inspect(actual)} !== ${
          inspect(expected)}\n`;
      case 'deepStrictEqual': case 'deepEqual':
        return `${headers[operator]}\n+ actual - expected\n\n+ ${inspect(actual)}\n- ${
          inspect(expected)}\n`;
      case 'notStrictEqual': case 'notDeepStrictEqual': case 'notDeepEqual':
        return `${headers[operator]} ${inspect(actual)}`;
      case '==': case '!=':
        return `${inspect(actual)} ${operator} ${inspect(expected)}`;
      default:
        return `${inspect(actual)} ${operator} ${inspect(expected)}`;
    }
  }

  // Throws the message itself when it is an error, else an AssertionError.
  // `options.message` is the caller's; `options.fallback` the message made when it gave none
  // (the error's generatedMessage is then true).
  function raise(options) {
    if (options.message instanceof Error) throw options.message;
    const generated = options.message === undefined;
    const message = generated ? options.fallback : options.message;
    const error = new AssertionError({ ...options, message });
    error.generatedMessage = generated;
    if (Error.captureStackTrace) Error.captureStackTrace(error, options.stackStartFn);
    throw error;
  }

  // `assert(value)` and `assert.ok(value)` (Node quotes the call's source where it can read
  // it; Kiln shows the value, as Node does where it cannot).
  function truthy(args, fn) {
    if (args.length === 0) {
      raise({ message: 'No value argument passed to `assert.ok()`', actual: undefined,
        expected: true, operator: '==', stackStartFn: fn });
    }
    const [value, message] = args;
    if (!value) {
      raise({ message, fallback: `${inspect(value)} == true`, actual: value, expected: true,
        operator: '==', stackStartFn: fn });
    }
  }
  function ok(...args) {
    truthy(args, ok);
  }
  const assert = function assert(...args) {
    truthy(args, assert);
  };
  function equal(actual, expected, message) {
    if (!(actual == expected || (actual !== actual && expected !== expected))) {
      raise({ message, actual, expected, operator: '==', stackStartFn: equal });
    }
  }
  function notEqual(actual, expected, message) {
    if (actual == expected || (actual !== actual && expected !== expected)) {
      raise({ message, actual, expected, operator: '!=', stackStartFn: notEqual });
    }
  }
  function strictEqual(actual, expected, message) {
    if (!Object.is(actual, expected)) {
      // Node 20 follows a message of the caller's with the two values.
      const primitives = [actual, expected].every((v) => v === null || typeof v !== 'object');
      if (typeof message === 'string' && primitives) {
        message = `${message}\n\n${inspect(actual)} !== ${inspect(expected)}\n`;
      }
      raise({ message, actual, expected, operator: 'strictEqual', stackStartFn: strictEqual });
    }
  }
  function notStrictEqual(actual, expected, message) {
    if (Object.is(actual, expected)) {
      raise({ message, actual, expected, operator: 'notStrictEqual', stackStartFn: notStrictEqual });
    }
  }
  function looseDeepEqual(actual, expected, message) {
    if (!deepEqual(actual, expected, false)) {
      raise({ message, actual, expected, operator: 'deepEqual', stackStartFn: looseDeepEqual });
    }
  }
  function notDeepEqual(actual, expected, message) {
    if (deepEqual(actual, expected, false)) {
      raise({ message, actual, expected, operator: 'notDeepEqual', stackStartFn: notDeepEqual });
    }
  }
  function deepStrictEqual(actual, expected, message) {
    if (!deepEqual(actual, expected, true)) {
      raise({ message, actual, expected, operator: 'deepStrictEqual', stackStartFn: deepStrictEqual });
    }
  }
  function notDeepStrictEqual(actual, expected, message) {
    if (deepEqual(actual, expected, true)) {
      raise({ message, actual, expected, operator: 'notDeepStrictEqual',
        stackStartFn: notDeepStrictEqual });
    }
  }
  function fail(message) {
    raise({ message, fallback: 'Failed', operator: 'fail', stackStartFn: fail });
  }
  function ifError(value) {
    if (value !== null && value !== undefined) {
      const shown = value instanceof Error ? value.message : inspect(value);
      raise({ message: `ifError got unwanted exception: ${shown}`, actual: value,
        expected: null, operator: 'ifError', stackStartFn: ifError });
    }
  }
  function match(string, regexp, message) {
    if (typeof string !== 'string' || !regexp.test(string)) {
      raise({ message, fallback: (typeof string !== 'string'
        ? `The "string" argument must be of type string. Received type ${typeof string} (${
          inspect(string)})`
        : `The input did not match the regular expression ${inspect(regexp)}. Input:\n\n${
          inspect(string)}\n`), actual: string, expected: regexp, operator: 'match',
      stackStartFn: match });
    }
  }
  function doesNotMatch(string, regexp, message) {
    if (typeof string !== 'string' || regexp.test(string)) {
      raise({ message, fallback: `The input was expected to not match the regular expression ${
        inspect(regexp)}. Input:\n\n${inspect(string)}\n`, actual: string, expected: regexp,
      operator: 'doesNotMatch', stackStartFn: doesNotMatch });
    }
  }

  // Node's expectedException: a constructor (instanceof; an Error subclass that does not
  // match rethrows the actual error), a RegExp (tested against String(error)), a validation
  // function (must return true), or an object whose properties must deep-equal the error's.
  function check(actual, expected, message, fn) {
    if (expected === undefined) return;
    if (typeof expected === 'function') {
      if (expected.prototype !== undefined && actual instanceof expected) return;
      if (Error.isPrototypeOf(expected) || expected === Error) {
        if (!(actual instanceof Error)) throw actual;
        const got = actual.constructor && actual.constructor.name;
        raise({ message, fallback: `The error is expected to be an instance of "${
          expected.name}". Received "${got}"\n\nError message:\n\n${actual.message}`,
        actual, expected, operator: fn.name, stackStartFn: fn });
      }
      const result = Reflect.apply(expected, {}, [actual]);
      if (result !== true) {
        raise({ message, fallback: `The ${expected.name ? `"${expected.name}" ` : ''
        }validation function is expected to return "true". Received ${inspect(result)}`,
        actual, expected, operator: fn.name, stackStartFn: fn });
      }
      return;
    }
    if (expected instanceof RegExp) {
      if (!expected.test(String(actual))) {
        raise({ message, fallback: `The input did not match the regular expression ${
          inspect(expected)}. Input:\n\n${inspect(String(actual))}\n`, actual, expected,
        operator: fn.name, stackStartFn: fn });
      }
      return;
    }
    if (expected !== null && typeof expected === 'object') {
      for (const key of Reflect.ownKeys(expected)) {
        const want = expected[key];
        const got = actual?.[key];
        const same = want instanceof RegExp && typeof got === 'string'
          ? want.test(got) : deepEqual(got, want, true);
        if (!same) {
          raise({ message, fallback: `Expected values to be strictly deep-equal:\n+ actual - ` +
            `expected\n\n+ ${inspect(got)}\n- ${inspect(want)}\n`, actual, expected,
          operator: fn.name, stackStartFn: fn });
        }
      }
      return;
    }
    const e = new TypeError('The "expected" argument must be of type function or an instance ' +
      `of Error, RegExp, or Object. Received ${inspect(expected)}`);
    Object.defineProperty(e, 'code', { value: 'ERR_INVALID_ARG_TYPE', configurable: true });
    throw e;
  }
  function expectedName(expected) {
    return typeof expected === 'function' && expected.name ? ` (${expected.name})` : '';
  }
  function missing(kind, expected, message, fn) {
    const text = typeof message === 'string' ? `: ${message}` : '.';
    raise({ message: `Missing expected ${kind}${expectedName(expected)}${text}`,
      actual: undefined, expected, operator: fn.name, stackStartFn: fn });
  }
  function throws(fn, expected, message) {
    if (typeof fn !== 'function') {
      const e = new TypeError(`The "fn" argument must be of type function. Received ${
        inspect(fn)}`);
      Object.defineProperty(e, 'code', { value: 'ERR_INVALID_ARG_TYPE', configurable: true });
      throw e;
    }
    if (typeof expected === 'string') [expected, message] = [undefined, expected];
    let threw = false;
    let error;
    try {
      fn();
    } catch (e) {
      threw = true;
      error = e;
    }
    if (!threw) missing('exception', expected, message, throws);
    check(error, expected, message, throws);
  }
  function doesNotThrow(fn, expected, message) {
    if (typeof expected === 'string') [expected, message] = [undefined, expected];
    try {
      fn();
    } catch (e) {
      const detail = e && e.message !== undefined ? e.message : String(e);
      raise({ message: `Got unwanted exception${typeof message === 'string' ? `: ${message}` : '.'
      }\nActual message: "${detail}"`, actual: e, expected, operator: 'doesNotThrow',
      stackStartFn: doesNotThrow });
    }
  }
  async function settle(promiseOrFn) {
    const promise = typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn;
    if (promise === null || typeof promise !== 'object' || typeof promise.then !== 'function') {
      const e = new TypeError('The "promiseFn" argument must be of type function or an ' +
        `instance of Promise. Received ${inspect(promise)}`);
      Object.defineProperty(e, 'code', { value: 'ERR_INVALID_RETURN_VALUE', configurable: true });
      throw e;
    }
    try {
      return { value: await promise, rejected: false };
    } catch (reason) {
      return { reason, rejected: true };
    }
  }
  async function rejects(promiseOrFn, expected, message) {
    if (typeof expected === 'string') [expected, message] = [undefined, expected];
    const outcome = await settle(promiseOrFn);
    if (!outcome.rejected) missing('rejection', expected, message, rejects);
    check(outcome.reason, expected, message, rejects);
  }
  async function doesNotReject(promiseOrFn, expected, message) {
    if (typeof expected === 'string') [expected, message] = [undefined, expected];
    const outcome = await settle(promiseOrFn);
    if (outcome.rejected) {
      const e = outcome.reason;
      const detail = e && e.message !== undefined ? e.message : String(e);
      raise({ message: `Got unwanted rejection${typeof message === 'string' ? `: ${message}` : '.'
      }\nActual message: "${detail}"`, actual: e, expected, operator: 'doesNotReject',
      stackStartFn: doesNotReject });
    }
  }

  const common = {
    AssertionError, doesNotMatch, doesNotReject, doesNotThrow, fail, ifError, match,
    notDeepStrictEqual, ok, rejects, strictEqual, notStrictEqual, deepStrictEqual, throws,
  };
  Object.assign(assert, common, {
    deepEqual: looseDeepEqual, equal, notDeepEqual, notEqual,
  });
  const strict = function strict(...args) {
    truthy(args, strict);
  };
  Object.assign(strict, common, {
    deepEqual: deepStrictEqual, equal: strictEqual, notDeepEqual: notDeepStrictEqual,
    notEqual: notStrictEqual,
  });
  strict.strict = strict;
  assert.strict = strict;
  return assert;
})
