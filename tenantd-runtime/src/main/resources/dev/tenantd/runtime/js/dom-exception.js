// DOMException per Web IDL. Instances carry [[ErrorData]] (the class extends
// Error) so they have a V8 `stack` and pass Error.isError, while name, message
// and code stay accessors on the prototype as the IDL requires.

class DOMException extends Error {
  #name;
  #message;

  constructor(message = undefined, name = undefined) {
    const text = message === undefined ? '' : webIdlToString(message, 'DOMException message');
    // V8 heads the `stack` with the message given to Error (logs show it): given, then taken
    // off the instance, where the IDL has none.
    super(text);
    delete this.message;
    this.#message = text;
    this.#name = name === undefined ? 'Error' : webIdlToString(name, 'DOMException name');
  }

  get name() {
    return domException_check(this).#name;
  }

  get message() {
    return domException_check(this).#message;
  }

  get code() {
    return domException_codes.get(domException_check(this).#name) ?? 0;
  }

  static {
    domException_isInstance = (value) => value !== null && typeof value === 'object' && #name in value;
  }
}

// Brand check for the accessors; set by the static block above.
var domException_isInstance;

function domException_check(value) {
  if (!domException_isInstance(value)) {
    throw new TypeError('Illegal invocation');
  }
  return value;
}

// Legacy error codes of the Web IDL error names table.
const domException_codes = safeMapOf([
  ['IndexSizeError', 1], ['HierarchyRequestError', 3], ['WrongDocumentError', 4],
  ['InvalidCharacterError', 5], ['NoModificationAllowedError', 7], ['NotFoundError', 8],
  ['NotSupportedError', 9], ['InUseAttributeError', 10], ['InvalidStateError', 11],
  ['SyntaxError', 12], ['InvalidModificationError', 13], ['NamespaceError', 14],
  ['InvalidAccessError', 15], ['TypeMismatchError', 17], ['SecurityError', 18],
  ['NetworkError', 19], ['AbortError', 20], ['URLMismatchError', 21],
  ['QuotaExceededError', 22], ['TimeoutError', 23], ['InvalidNodeTypeError', 24],
  ['DataCloneError', 25],
]);

{
  const constants = [
    'INDEX_SIZE_ERR', 'DOMSTRING_SIZE_ERR', 'HIERARCHY_REQUEST_ERR', 'WRONG_DOCUMENT_ERR',
    'INVALID_CHARACTER_ERR', 'NO_DATA_ALLOWED_ERR', 'NO_MODIFICATION_ALLOWED_ERR',
    'NOT_FOUND_ERR', 'NOT_SUPPORTED_ERR', 'INUSE_ATTRIBUTE_ERR', 'INVALID_STATE_ERR',
    'SYNTAX_ERR', 'INVALID_MODIFICATION_ERR', 'NAMESPACE_ERR', 'INVALID_ACCESS_ERR',
    'VALIDATION_ERR', 'TYPE_MISMATCH_ERR', 'SECURITY_ERR', 'NETWORK_ERR', 'ABORT_ERR',
    'URL_MISMATCH_ERR', 'QUOTA_EXCEEDED_ERR', 'TIMEOUT_ERR', 'INVALID_NODE_TYPE_ERR',
    'DATA_CLONE_ERR',
  ];
  constants.forEach((name, i) => {
    const desc = { value: i + 1, writable: false, enumerable: true, configurable: false };
    Object.defineProperty(DOMException, name, desc);
    Object.defineProperty(DOMException.prototype, name, desc);
  });
  for (const key of ['name', 'message', 'code']) {
    Object.defineProperty(DOMException.prototype, key, { enumerable: true });
  }
  webIdlClass(DOMException);
  defineGlobal('DOMException', DOMException);
}

// Shared: creates the DOMException other runtime files throw for spec errors.
// The stack starts at the caller rather than inside this helper.
function domException(message, name) {
  const error = new DOMException(message, name);
  if (typeof ErrorCaptureStackTrace === 'function') {
    ErrorCaptureStackTrace(error, domException);
  }
  return error;
}
