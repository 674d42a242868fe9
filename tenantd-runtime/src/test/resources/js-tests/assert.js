// Assertions for worker-script tests. Each test module exports functions;
// every exported function is one test, run inside a real isolate.

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

function show(value) {
  try {
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Uint8Array) return `Uint8Array[${Array.from(value).join(',')}]`;
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function assert(condition, message = 'assertion failed') {
  if (!condition) throw new AssertionError(message);
}

export function assertEquals(actual, expected, message = '') {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? message + ': ' : ''}expected ${show(expected)} but was ${show(actual)}`);
  }
}

export function assertDeepEquals(actual, expected, message = '') {
  const a = show(actual);
  const e = show(expected);
  if (a !== e) {
    throw new AssertionError(`${message ? message + ': ' : ''}expected ${e} but was ${a}`);
  }
}

function checkError(error, type, name) {
  if (type && !(error instanceof type)) {
    throw new AssertionError(`expected ${type.name} but got ${error && error.name}: ${error && error.message}`);
  }
  if (name && error.name !== name) {
    throw new AssertionError(`expected error name ${name} but got ${error.name}: ${error.message}`);
  }
  return error;
}

// assertThrows(fn, TypeError) or assertThrows(fn, DOMException, 'SyntaxError')
export function assertThrows(fn, type, name) {
  try {
    fn();
  } catch (error) {
    return checkError(error, type, name);
  }
  throw new AssertionError(`expected ${type ? type.name : 'an error'} to be thrown`);
}

export async function assertRejects(fnOrPromise, type, name) {
  try {
    await (typeof fnOrPromise === 'function' ? fnOrPromise() : fnOrPromise);
  } catch (error) {
    return checkError(error, type, name);
  }
  throw new AssertionError(`expected ${type ? type.name : 'a rejection'}`);
}

