// crypto.getRandomValues and randomUUID, backed by the host's SecureRandom, and
// crypto.subtle: digest (computed by the host), Workers' timingSafeEqual and the key
// operations, whose work is in crypto-key.js and crypto-subtle.js.

const crypto_integerArrays = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
const crypto_HEX = '0123456789abcdef';

// Web Crypto's digest names, matched without regard to ASCII case; MD5 as Workers allow it.
const crypto_digests = { __proto__: null, 'SHA-1': 'SHA-1', 'SHA-256': 'SHA-256', 'SHA-384': 'SHA-384',
  'SHA-512': 'SHA-512', 'MD5': 'MD5' };

// The bytes of a BufferSource (an ArrayBuffer or a view of one), copied: the caller may
// change them while the operation runs.
function crypto_bufferSource(data, what) {
  if (isArrayBuffer(data)) return new Uint8Array(new Uint8Array(data));
  if (ArrayBufferIsView(data)) return new Uint8Array(viewBytes(data));
  throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': parameter is not of type 'ArrayBuffer' or 'ArrayBufferView'.`);
}

function crypto_algorithmName(algorithm, what) {
  let name;
  if (typeof algorithm === 'string') {
    name = algorithm;
  } else if (algorithm !== null && typeof algorithm === 'object') {
    if (algorithm.name === undefined) {
      throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': Algorithm: name: Missing or not a string`);
    }
    name = webIdlToString(algorithm.name, 'name');
  } else {
    throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': Algorithm must be a string or an object with a name`);
  }
  return StringPrototypeToUpperCase(name);
}

class SubtleCrypto {
  constructor(key) {
    if (key !== crypto_subtleKey) throw new TypeError('Illegal constructor');
  }

  async digest(algorithm, data) {
    requireArguments(arguments.length, 2, "Failed to execute 'digest' on 'SubtleCrypto'");
    const name = crypto_digests[crypto_algorithmName(algorithm, 'digest')];
    const bytes = crypto_bufferSource(data, 'digest');
    if (name === undefined) {
      throw domException('Unrecognized or unimplemented digest algorithm requested.', 'NotSupportedError');
    }
    return host.digest(name, bodyToHost(bytes));
  }

  async encrypt(algorithm, key, data) {
    requireArguments(arguments.length, 3, "Failed to execute 'encrypt' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_encrypt(algorithm, key, data);
  }

  async decrypt(algorithm, key, data) {
    requireArguments(arguments.length, 3, "Failed to execute 'decrypt' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_decrypt(algorithm, key, data);
  }

  async sign(algorithm, key, data) {
    requireArguments(arguments.length, 3, "Failed to execute 'sign' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_sign(algorithm, key, data);
  }

  async verify(algorithm, key, signature, data) {
    requireArguments(arguments.length, 4, "Failed to execute 'verify' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_verify(algorithm, key, signature, data);
  }

  async generateKey(algorithm, extractable, keyUsages) {
    requireArguments(arguments.length, 3, "Failed to execute 'generateKey' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_generateKey(algorithm, extractable, keyUsages);
  }

  async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
    requireArguments(arguments.length, 5, "Failed to execute 'deriveKey' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages);
  }

  async deriveBits(algorithm, baseKey, length = null) {
    requireArguments(arguments.length, 2, "Failed to execute 'deriveBits' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_deriveBits(algorithm, baseKey, length);
  }

  async importKey(format, keyData, algorithm, extractable, keyUsages) {
    requireArguments(arguments.length, 5, "Failed to execute 'importKey' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_importKey(format, keyData, algorithm, extractable, keyUsages);
  }

  async exportKey(format, key) {
    requireArguments(arguments.length, 2, "Failed to execute 'exportKey' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_exportKey(format, key);
  }

  async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    requireArguments(arguments.length, 4, "Failed to execute 'wrapKey' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_wrapKey(format, key, wrappingKey, wrapAlgorithm);
  }

  async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
    requireArguments(arguments.length, 7, "Failed to execute 'unwrapKey' on 'SubtleCrypto'");
    return await lazy_load('subtle').subtle_unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages);
  }

  // Compares two buffers of the same length in time that depends only on their length.
  timingSafeEqual(a, b) {
    requireArguments(arguments.length, 2, "Failed to execute 'timingSafeEqual' on 'SubtleCrypto'");
    const left = crypto_bufferSource(a, 'timingSafeEqual');
    const right = crypto_bufferSource(b, 'timingSafeEqual');
    const length = TypedArrayPrototypeGetLength(left);
    if (length !== TypedArrayPrototypeGetLength(right)) {
      throw new RangeError('Input buffers must have the same byte length');
    }
    let difference = 0;
    for (let i = 0; i < length; i++) difference |= left[i] ^ right[i];
    return difference === 0;
  }
}
webIdlClass(SubtleCrypto);
const crypto_subtleKey = Symbol('SubtleCrypto');
const crypto_subtle = new SubtleCrypto(crypto_subtleKey);

// Random bytes for small requests come from a block the host fills (a host call costs a
// few microseconds, several times what a UUID's bytes cost to make); each byte is handed
// out once. The block is filled when first asked for, and again when used up.
const crypto_POOL_BYTES = 4096;
const crypto_POOLED_MAX = 256;
let crypto_poolBuffer = null;
let crypto_poolAt = crypto_POOL_BYTES;

// A new Uint8Array of `length` random bytes (at most 65536).
function crypto_random(length) {
  if (!(length >= 0 && length <= crypto_POOLED_MAX) || !NumberIsInteger(length)) {
    return memory_fromHost(host.randomBytes(length));
  }
  if (crypto_poolAt + length > crypto_POOL_BYTES) {
    crypto_poolBuffer = host.randomBytes(crypto_POOL_BYTES);
    crypto_poolAt = 0;
  }
  const out = new memory_Uint8Array(length);
  TypedArrayPrototypeSet(out, new memory_Uint8Array(crypto_poolBuffer, crypto_poolAt, length));
  crypto_poolAt += length;
  return out;
}

class Crypto {
  get subtle() {
    return crypto_subtle;
  }

  getRandomValues(array) {
    requireArguments(arguments.length, 1, "Failed to execute 'getRandomValues' on 'Crypto'");
    const type = ArrayBufferIsView(array) ? TypedArrayPrototypeGetSymbolToStringTag(array) : undefined;
    if (!ArrayPrototypeIncludes(crypto_integerArrays, type)) {
      throw domException("The data argument must be an integer-type TypedArray",
        'TypeMismatchError');
    }
    const byteLength = TypedArrayPrototypeGetByteLength(array);
    if (byteLength > 65536) {
      throw domException(`The ArrayBufferView's byte length (${byteLength}) exceeds the number of bytes of entropy available via this API (65536)`,
        'QuotaExceededError');
    }
    TypedArrayPrototypeSet(viewBytes(array), crypto_random(byteLength));
    return array;
  }

  randomUUID() {
    const b = crypto_random(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = '';
    for (let i = 0; i < 16; i++) {
      hex += crypto_HEX[b[i] >> 4] + crypto_HEX[b[i] & 15];
      if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
    }
    return hex;
  }
}
webIdlClass(Crypto);
defineGlobal('Crypto', Crypto);
defineGlobal('SubtleCrypto', SubtleCrypto);
defineGlobal('crypto', new Crypto());
