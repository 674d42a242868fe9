import { assert, assertEquals, assertThrows } from './assert.js';

export function defaultsToErrorAndEmptyMessage() {
  const e = new DOMException();
  assertEquals(e.name, 'Error');
  assertEquals(e.message, '');
  assertEquals(e.code, 0);
}

export function nameMessageAndLegacyCode() {
  const e = new DOMException('bad index', 'IndexSizeError');
  assertEquals(e.name, 'IndexSizeError');
  assertEquals(e.message, 'bad index');
  assertEquals(e.code, 1);
  assertEquals(new DOMException('', 'AbortError').code, 20);
  assertEquals(new DOMException('', 'DataCloneError').code, 25);
  assertEquals(new DOMException('', 'InvalidCharacterError').code, 5);
  assertEquals(new DOMException('', 'TimeoutError').code, 23);
  assertEquals(new DOMException('', 'NotAllowedError').code, 0);
  assertEquals(new DOMException('', 'EncodingError').code, 0);
}

export function argumentsAreStringified() {
  const e = new DOMException(42, null);
  assertEquals(e.message, '42');
  assertEquals(e.name, 'null');
  assertEquals(new DOMException(undefined, undefined).name, 'Error');
  assertThrows(() => new DOMException(Symbol('x')), TypeError);
}

export function isErrorLike() {
  const e = new DOMException('m', 'SyntaxError');
  assert(e instanceof DOMException);
  assert(e instanceof Error);
  assertEquals(Object.getPrototypeOf(DOMException.prototype), Error.prototype);
  assertEquals(typeof e.stack, 'string');
  assertEquals(String(e), 'SyntaxError: m');
  assertEquals(Object.prototype.toString.call(e), '[object DOMException]');
  assert(!Object.hasOwn(e, 'message'), 'message is an accessor, not own');
  assert(!Object.hasOwn(e, 'name'), 'name is an accessor, not own');
}

export function constantsOnConstructorAndPrototype() {
  const expected = {
    INDEX_SIZE_ERR: 1, DOMSTRING_SIZE_ERR: 2, HIERARCHY_REQUEST_ERR: 3, WRONG_DOCUMENT_ERR: 4,
    INVALID_CHARACTER_ERR: 5, NO_DATA_ALLOWED_ERR: 6, NO_MODIFICATION_ALLOWED_ERR: 7,
    NOT_FOUND_ERR: 8, NOT_SUPPORTED_ERR: 9, INUSE_ATTRIBUTE_ERR: 10, INVALID_STATE_ERR: 11,
    SYNTAX_ERR: 12, INVALID_MODIFICATION_ERR: 13, NAMESPACE_ERR: 14, INVALID_ACCESS_ERR: 15,
    VALIDATION_ERR: 16, TYPE_MISMATCH_ERR: 17, SECURITY_ERR: 18, NETWORK_ERR: 19, ABORT_ERR: 20,
    URL_MISMATCH_ERR: 21, QUOTA_EXCEEDED_ERR: 22, TIMEOUT_ERR: 23, INVALID_NODE_TYPE_ERR: 24,
    DATA_CLONE_ERR: 25,
  };
  for (const [name, value] of Object.entries(expected)) {
    assertEquals(DOMException[name], value, name);
    assertEquals(DOMException.prototype[name], value, name);
    assertEquals(new DOMException()[name], value, name);
    const desc = Object.getOwnPropertyDescriptor(DOMException, name);
    assert(!desc.writable && !desc.configurable && desc.enumerable, `${name} descriptor`);
  }
}

export function accessorsBrandCheck() {
  const getter = Object.getOwnPropertyDescriptor(DOMException.prototype, 'name').get;
  assertThrows(() => getter.call({}), TypeError);
  assertThrows(() => DOMException.prototype.code, TypeError);
  assertThrows(() => Object.create(DOMException.prototype).message, TypeError);
}

export function requiresNew() {
  assertThrows(() => DOMException('x'), TypeError);
}

export function subclassable() {
  class MyError extends DOMException {
    constructor() {
      super('mine', 'NotFoundError');
    }
  }
  const e = new MyError();
  assertEquals(e.name, 'NotFoundError');
  assertEquals(e.code, 8);
  assert(e instanceof DOMException);
}

export function globalIsNonEnumerable() {
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'DOMException');
  assert(desc && !desc.enumerable && desc.writable && desc.configurable);
  assertEquals(DOMException.length, 0);
}

export async function theStackNamesTheMessageAsLogsShowIt() {
  const made = new DOMException('the key is not extractable', 'InvalidAccessError');
  assertEquals(made.stack.split('\n')[0], 'InvalidAccessError: the key is not extractable');
  assert(!Object.hasOwn(made, 'message'), 'the message stays an accessor of the prototype');
  let thrown;
  try {
    await crypto.subtle.exportKey('raw', await crypto.subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']));
  } catch (e) {
    thrown = e;
  }
  assertEquals(thrown.stack.split('\n')[0], `InvalidAccessError: ${thrown.message}`);
  assert(thrown.message.length > 0, 'a message');
}
