// node:assert and node:assert/strict: AssertionError and the assertion functions,
// with Node's messages and error properties (actual, expected, operator, code).

node_define('assert', () => node_makeAssert(false));
node_define('assert/strict', () => node_require('assert').strict);

function node_makeAssert(strictMode) {
  class AssertionError extends Error {
    constructor(options) {
      node_validateObject(options, 'options');
      const { message, actual, expected, operator } = options;
      super(message !== undefined ? String(message)
        : `${node_inspect(actual)} ${operator} ${node_inspect(expected)}`);
      this.generatedMessage = message === undefined;
      this.code = 'ERR_ASSERTION';
      this.actual = actual;
      this.expected = expected;
      this.operator = operator;
      ObjectDefineProperty(this, 'name', { value: 'AssertionError', writable: true, configurable: true, enumerable: false });
    }
  }

  function fail(actual, expected, message, operator, defaultMessage) {
    if (ErrorIsError(message)) throw message;
    const error = new AssertionError({
      message: message !== undefined ? message : defaultMessage,
      actual, expected, operator,
    });
    error.generatedMessage = message === undefined;
    throw error;
  }

  function ok(...args) {
    if (args.length === 0) {
      fail(undefined, true, undefined, '==', 'No value argument passed to `assert.ok()`');
    }
    if (!args[0]) fail(args[0], true, args[1], '==', 'The expression evaluated to a falsy value');
  }

  const diff = (actual, expected, what) =>
    `Expected values to be ${what}:\n\n${node_inspect(actual)}\n\nshould equal\n\n${node_inspect(expected)}\n`;

  const assert = (...args) => ok(...args);
  assert.ok = ok;
  assert.AssertionError = AssertionError;
  assert.fail = function (message = 'Failed') {
    if (ErrorIsError(message)) throw message;
    throw new AssertionError({ message, operator: 'fail' });
  };
  assert.equal = function equal(actual, expected, message) {
    // eslint-disable-next-line eqeqeq
    if (!(actual == expected || (actual !== actual && expected !== expected))) {
      fail(actual, expected, message, '==', `${node_inspect(actual)} == ${node_inspect(expected)}`);
    }
  };
  assert.notEqual = function notEqual(actual, expected, message) {
    // eslint-disable-next-line eqeqeq
    if (actual == expected || (actual !== actual && expected !== expected)) {
      fail(actual, expected, message, '!=', `${node_inspect(actual)} != ${node_inspect(expected)}`);
    }
  };
  assert.strictEqual = function strictEqual(actual, expected, message) {
    if (!Object.is(actual, expected)) {
      fail(actual, expected, message, 'strictEqual', diff(actual, expected, 'strictly equal'));
    }
  };
  assert.notStrictEqual = function notStrictEqual(actual, expected, message) {
    if (Object.is(actual, expected)) {
      fail(actual, expected, message, 'notStrictEqual', `Expected "actual" to be strictly unequal to: ${node_inspect(expected)}`);
    }
  };
  assert.deepEqual = function deepEqual(actual, expected, message) {
    if (!node_deepEqual(actual, expected, false)) {
      fail(actual, expected, message, 'deepEqual', diff(actual, expected, 'loosely deep-equal'));
    }
  };
  assert.notDeepEqual = function notDeepEqual(actual, expected, message) {
    if (node_deepEqual(actual, expected, false)) {
      fail(actual, expected, message, 'notDeepEqual', `Expected "actual" not to be loosely deep-equal to: ${node_inspect(expected)}`);
    }
  };
  assert.deepStrictEqual = function deepStrictEqual(actual, expected, message) {
    if (!node_deepEqual(actual, expected, true)) {
      fail(actual, expected, message, 'deepStrictEqual', diff(actual, expected, 'strictly deep-equal'));
    }
  };
  assert.notDeepStrictEqual = function notDeepStrictEqual(actual, expected, message) {
    if (node_deepEqual(actual, expected, true)) {
      fail(actual, expected, message, 'notDeepStrictEqual',
        `Expected "actual" not to be strictly deep-equal to: ${node_inspect(expected)}`);
    }
  };

  // Whether `error` matches what throws()/rejects() expects: a class, a RegExp on its
  // string form, a validation function, or an object whose properties must be equal.
  function matches(error, expected, message, operator) {
    if (expected === undefined) return;
    if (typeof expected === 'function') {
      if (expected.prototype !== undefined && error instanceof expected) return;
      if (ErrorIsError(expected.prototype) || expected === Error || ObjectPrototypeIsPrototypeOf(Error, expected)) {
        fail(error, expected, message, operator,
          `The error is expected to be an instance of "${expected.name}". Received "${error && error.constructor && error.constructor.name}"`);
      }
      if (expected.prototype !== undefined && ObjectGetPrototypeOf(expected) !== Function.prototype) {
        fail(error, expected, message, operator, `The error is expected to be an instance of "${expected.name}".`);
      }
      if (ReflectApply(expected, {}, [error]) !== true) {
        fail(error, expected, message, operator, `The ${expected.name ? `"${expected.name}" ` : ''}validation function is expected to return "true". Received false`);
      }
      return;
    }
    if (node_types().isRegExp(expected)) {
      if (!regExpTest(expected, String(error))) {
        fail(error, expected, message, operator, `The input did not match the regular expression ${String(expected)}. Input:\n\n${node_inspect(String(error))}\n`);
      }
      return;
    }
    if (expected !== null && typeof expected === 'object') {
      const keys = ObjectKeys(expected);
      if (ErrorIsError(expected)) ArrayPrototypePush(keys, 'name', 'message');
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const want = expected[key];
        const have = error === null || error === undefined ? undefined : error[key];
        const same = node_types().isRegExp(want) && typeof have === 'string' ? regExpTest(want, have)
          : node_deepEqual(have, want, true);
        if (!same) {
          fail(error, expected, message, operator,
            `Expected values to be strictly deep-equal:\n+ actual - expected\n\n  ${key}: ${node_inspect(have)} !== ${node_inspect(want)}`);
        }
      }
      return;
    }
    throw node_invalidArgType('expected', 'of type function or an instance of Error, RegExp, or Object', expected);
  }

  const noError = Symbol('no error');

  assert.throws = function throws(fn, expected, message) {
    node_validateFunction(fn, 'fn');
    if (typeof expected === 'string') {
      message = expected;
      expected = undefined;
    }
    let error = noError;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    if (error === noError) {
      fail(undefined, expected, message, 'throws',
        `Missing expected exception${expected && expected.name ? ` (${expected.name})` : ''}${message ? `: ${message}` : '.'}`);
    }
    matches(error, expected, message, 'throws');
  };
  assert.doesNotThrow = function doesNotThrow(fn, expected, message) {
    node_validateFunction(fn, 'fn');
    try {
      fn();
    } catch (error) {
      if (typeof expected === 'string') message = expected;
      fail(error, expected, message, 'doesNotThrow', `Got unwanted exception.\nActual message: "${error && error.message}"`);
    }
  };
  assert.rejects = async function rejects(promiseOrFn, expected, message) {
    if (typeof expected === 'string') {
      message = expected;
      expected = undefined;
    }
    let error = noError;
    try {
      await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
    } catch (e) {
      error = e;
    }
    if (error === noError) {
      fail(undefined, expected, message, 'rejects',
        `Missing expected rejection${expected && expected.name ? ` (${expected.name})` : ''}${message ? `: ${message}` : '.'}`);
    }
    matches(error, expected, message, 'rejects');
  };
  assert.doesNotReject = async function doesNotReject(promiseOrFn, expected, message) {
    try {
      await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
    } catch (error) {
      if (typeof expected === 'string') message = expected;
      fail(error, expected, message, 'doesNotReject', `Got unwanted rejection.\nActual message: "${error && error.message}"`);
    }
  };
  assert.ifError = function ifError(value) {
    if (value !== null && value !== undefined) {
      if (ErrorIsError(value)) throw value;
      fail(value, null, undefined, 'ifError', `ifError got unwanted exception: ${node_inspect(value)}`);
    }
  };
  assert.match = function match(string, regexp, message) {
    if (typeof string !== 'string' || !regExpTest(regexp, string)) {
      fail(string, regexp, message, 'match', `The input did not match the regular expression ${String(regexp)}. Input:\n\n${node_inspect(string)}\n`);
    }
  };
  assert.doesNotMatch = function doesNotMatch(string, regexp, message) {
    if (typeof string !== 'string' || regExpTest(regexp, string)) {
      fail(string, regexp, message, 'doesNotMatch', `The input was expected to not match the regular expression ${String(regexp)}. Input:\n\n${node_inspect(string)}\n`);
    }
  };
  assert.partialDeepStrictEqual = function partialDeepStrictEqual(actual, expected, message) {
    const keys = ObjectKeys(expected);
    for (let i = 0; i < keys.length; i++) {
      if (!node_deepEqual(actual[keys[i]], expected[keys[i]], true)) {
        fail(actual, expected, message, 'partialDeepStrictEqual', diff(actual, expected, 'partially and strictly deep-equal'));
      }
    }
  };

  const strict = (...args) => ok(...args);
  ObjectDefineProperties(strict, ObjectGetOwnPropertyDescriptors(assert));
  strict.equal = assert.strictEqual;
  strict.notEqual = assert.notStrictEqual;
  strict.deepEqual = assert.deepStrictEqual;
  strict.notDeepEqual = assert.notDeepStrictEqual;
  strict.strict = strict;
  assert.strict = strict;
  return strictMode ? strict : assert;
}

const ObjectPrototypeIsPrototypeOf = uncurryThis(Object.prototype.isPrototypeOf);
