// node:crypto: createHash and createHmac (md5, sha1, sha256, sha384, sha512), hash(),
// pbkdf2/pbkdf2Sync, randomBytes, randomUUID, randomInt, randomFillSync,
// timingSafeEqual, getRandomValues, and webcrypto/subtle (the global crypto); key objects
// (crypto-keys.js), signatures (crypto-sign.js) and AES ciphers (crypto-cipher.js) join them.
//
// Digests are computed by the host's `digest` call, which takes the whole input at
// once: a Hash keeps what update() gave it until digest() (its memory grows with the
// input, counted like any other bytes of the isolate) and copy() copies that list.
// HMAC is computed here from two digests (RFC 2104), so it needs no host call of its own.

node_define('crypto', () => {
  const { Buffer } = node_require('buffer');
  // Node's names (and OpenSSL's aliases) -> [host digest name, block size in bytes].
  const algorithms = {
    __proto__: null,
    md5: ['MD5', 64],
    sha1: ['SHA-1', 64],
    'sha-1': ['SHA-1', 64],
    sha256: ['SHA-256', 64],
    'sha-256': ['SHA-256', 64],
    sha384: ['SHA-384', 128],
    'sha-384': ['SHA-384', 128],
    sha512: ['SHA-512', 128],
    'sha-512': ['SHA-512', 128],
    rsa_md5: ['MD5', 64],
    'rsa-sha1': ['SHA-1', 64],
    'rsa-sha256': ['SHA-256', 64],
    'rsa-sha384': ['SHA-384', 128],
    'rsa-sha512': ['SHA-512', 128],
  };

  function algorithmOf(name) {
    node_validateString(name, 'algorithm');
    const found = algorithms[StringPrototypeToLowerCase(name)];
    if (found === undefined) throw node_error(Error, 'ERR_OSSL_EVP_UNSUPPORTED', 'Digest method not supported');
    return found;
  }

  function digestOf(hostName, bytes) {
    return memory_fromHost(host.digest(hostName, bodyToHost(bytes)));
  }

  function toBytes(data, encoding, name) {
    if (typeof data === 'string') return node_bufferEncode(data, node_encodingOrThrow(encoding));
    if (ArrayBufferIsView(data)) return new Uint8Array(viewBytes(data));
    if (isArrayBuffer(data)) return new Uint8Array(new Uint8Array(data));
    throw node_invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', data);
  }

  function output(bytes, encoding) {
    const buffer = Buffer.from(TypedArrayPrototypeGetBuffer(bytes), TypedArrayPrototypeGetByteOffset(bytes),
      TypedArrayPrototypeGetLength(bytes));
    return encoding === undefined || encoding === 'buffer' ? buffer : buffer.toString(encoding);
  }

  // Like Node's, a Hash or Hmac is also a stream: what is written is hashed, and the
  // digest is what it reads once the writing ends.
  const { Transform } = node_require('stream');
  const streaming = {
    _transform(chunk, encoding, callback) {
      this.update(chunk, encoding);
      callback();
    },
    _flush(callback) {
      this.push(this.digest());
      callback();
    },
  };

  class Hash extends Transform {
    #algorithm;
    #chunks = [];
    #length = 0;
    #finished = false;

    constructor(algorithm) {
      super();
      this.#algorithm = algorithmOf(algorithm);
    }

    update(data, inputEncoding) {
      if (this.#finished) throw node_error(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
      const bytes = toBytes(data, inputEncoding, 'data');
      ArrayPrototypePush(this.#chunks, bytes);
      this.#length += bytes.length;
      return this;
    }

    digest(outputEncoding) {
      if (this.#finished) throw node_error(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
      this.#finished = true;
      const bytes = concatBytes(this.#chunks.length === 0 ? [new Uint8Array(0)] : this.#chunks, this.#length);
      this.#chunks = [];
      return output(digestOf(this.#algorithm[0], bytes), outputEncoding);
    }

    copy() {
      if (this.#finished) throw node_error(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
      const copy = new Hash(StringPrototypeToLowerCase(this.#algorithm[0]));
      for (let i = 0; i < this.#chunks.length; i++) copy.update(this.#chunks[i]);
      return copy;
    }
  }

  function hmacKey(algorithm, key) {
    let bytes;
    if (typeof key === 'string') bytes = node_bufferEncode(key, 'utf8');
    else if (ArrayBufferIsView(key)) bytes = viewBytes(key);
    else if (isArrayBuffer(key)) bytes = new Uint8Array(key);
    else if (key !== null && typeof key === 'object' && key.type === 'secret' && typeof key.export === 'function') {
      bytes = viewBytes(key.export());
    } else {
      throw node_invalidArgType('key', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey', key);
    }
    const block = algorithm[1];
    if (bytes.length > block) bytes = digestOf(algorithm[0], bytes);
    const padded = new Uint8Array(block);
    TypedArrayPrototypeSet(padded, bytes);
    return padded;
  }

  class Hmac extends Transform {
    #algorithm;
    #key;
    #chunks;
    #length;
    #finished = false;

    constructor(algorithm, key) {
      super();
      this.#algorithm = algorithmOf(algorithm);
      this.#key = hmacKey(this.#algorithm, key);
      const inner = new Uint8Array(this.#key.length);
      for (let i = 0; i < inner.length; i++) inner[i] = this.#key[i] ^ 0x36;
      this.#chunks = [inner];
      this.#length = inner.length;
    }

    update(data, inputEncoding) {
      if (this.#finished) throw node_error(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
      const bytes = toBytes(data, inputEncoding, 'data');
      ArrayPrototypePush(this.#chunks, bytes);
      this.#length += bytes.length;
      return this;
    }

    digest(outputEncoding) {
      if (this.#finished) {
        return output(new Uint8Array(0), outputEncoding);
      }
      this.#finished = true;
      const inner = digestOf(this.#algorithm[0], concatBytes(this.#chunks, this.#length));
      this.#chunks = [];
      const outer = new Uint8Array(this.#key.length + inner.length);
      for (let i = 0; i < this.#key.length; i++) outer[i] = this.#key[i] ^ 0x5c;
      TypedArrayPrototypeSet(outer, inner, this.#key.length);
      return output(digestOf(this.#algorithm[0], outer), outputEncoding);
    }
  }

  ObjectDefineProperties(Hash.prototype, ObjectGetOwnPropertyDescriptors(streaming));
  ObjectDefineProperties(Hmac.prototype, ObjectGetOwnPropertyDescriptors(streaming));

  function hmacOnce(algorithm, key, data) {
    return new Hmac(algorithm, key).update(data).digest();
  }

  function pbkdf2Sync(password, salt, iterations, keylen, digest) {
    const passwordBytes = toBytes(password, 'utf8', 'password');
    const saltBytes = toBytes(salt, 'utf8', 'salt');
    if (typeof iterations !== 'number' || !node_NumberIsInteger(iterations) || iterations < 1) {
      throw node_outOfRange('iterations', '>= 1 && <= 2147483647', iterations);
    }
    if (typeof keylen !== 'number' || !node_NumberIsInteger(keylen) || keylen < 0) {
      throw node_outOfRange('keylen', '>= 0 && <= 2147483647', keylen);
    }
    node_validateString(digest, 'digest');
    const out = Buffer.alloc(keylen);
    let filled = 0;
    for (let block = 1; filled < keylen; block++) {
      const first = new Uint8Array(saltBytes.length + 4);
      TypedArrayPrototypeSet(first, saltBytes);
      first[saltBytes.length] = block >>> 24;
      first[saltBytes.length + 1] = (block >>> 16) & 255;
      first[saltBytes.length + 2] = (block >>> 8) & 255;
      first[saltBytes.length + 3] = block & 255;
      let u = hmacOnce(digest, passwordBytes, first);
      const t = new Uint8Array(u);
      for (let i = 1; i < iterations; i++) {
        u = hmacOnce(digest, passwordBytes, u);
        for (let j = 0; j < t.length; j++) t[j] ^= u[j];
      }
      const take = MathMin(t.length, keylen - filled);
      TypedArrayPrototypeSet(out, bytesView(t, 0, take), filled);
      filled += take;
    }
    return out;
  }

  function lengthArgument(value, name) {
    if (typeof value !== 'number' || !node_NumberIsInteger(value) || value < 0 || value > 2147483647) {
      throw node_outOfRange(name, '>= 0 && <= 2147483647', value);
    }
    return value;
  }

  // HKDF (RFC 5869): a key of `keylen` bytes from the input keying material, salt and info,
  // with HMAC over `digest`; an ArrayBuffer, as Node gives it.
  function hkdfSync(digest, ikm, salt, info, keylen) {
    node_validateString(digest, 'digest');
    algorithmOf(digest);
    let key = ikm;
    if (key !== null && typeof key === 'object' && key.type === 'secret' && typeof key.export === 'function') {
      key = key.export();
    }
    const keyBytes = toBytes(key, 'utf8', 'ikm');
    const saltBytes = toBytes(salt, 'utf8', 'salt');
    const infoBytes = toBytes(info, 'utf8', 'info');
    if (infoBytes.length > 1024) throw node_outOfRange('info', 'at most 1024 bytes long', infoBytes.length);
    lengthArgument(keylen, 'keylen');
    const prk = hmacOnce(digest, saltBytes, keyBytes);
    if (keylen > 255 * prk.length) throw node_error(RangeError, 'ERR_CRYPTO_INVALID_KEYLEN', 'Invalid key length');
    const out = new Uint8Array(keylen);
    let previous = new Uint8Array(0);
    for (let counter = 1, filled = 0; filled < keylen; counter++) {
      const block = new Uint8Array(previous.length + infoBytes.length + 1);
      TypedArrayPrototypeSet(block, previous);
      TypedArrayPrototypeSet(block, infoBytes, previous.length);
      block[block.length - 1] = counter;
      previous = hmacOnce(digest, prk, block);
      const take = MathMin(previous.length, keylen - filled);
      TypedArrayPrototypeSet(out, bytesView(previous, 0, take), filled);
      filled += take;
    }
    return TypedArrayPrototypeGetBuffer(out);
  }

  function hkdf(digest, ikm, salt, info, keylen, callback) {
    node_validateFunction(callback, 'callback');
    const result = hkdfSync(digest, ikm, salt, info, keylen);
    node_require('process').nextTick(callback, null, result);
  }

  // scrypt (RFC 7914), with Node's defaults (N 16384, r 8, p 1) and its memory bound
  // (maxmem, 32 MiB): the bytes the computation holds, 128 * r * (N + 2 + p), may not pass
  // it. The memory is the isolate's, counted against its limit like any other.
  function scryptParams(options) {
    const o = options === undefined || options === null ? {} : options;
    if (typeof o !== 'object') throw node_invalidArgType('options', 'of type object', o);
    const pick = (a, b, fallback) => {
      if (a !== b && o[a] !== undefined && o[b] !== undefined) {
        throw node_error(TypeError, 'ERR_INCOMPATIBLE_OPTION_PAIR', `Option "${a}" cannot be used in combination with option "${b}"`);
      }
      const value = o[a] ?? o[b] ?? fallback;
      if (typeof value !== 'number' || !node_NumberIsInteger(value) || value < 0) {
        throw node_invalidArgType(`options.${o[a] !== undefined ? a : b}`, 'a non-negative integer', value);
      }
      return value;
    };
    const N = pick('N', 'cost', 16384);
    const r = pick('r', 'blockSize', 8);
    const p = pick('p', 'parallelization', 1);
    const maxmem = pick('maxmem', 'maxmem', 32 * 1024 * 1024);
    if (N < 2 || (N & (N - 1)) !== 0 || N > 2 ** 30 || r < 1 || p < 1 || r * p >= 2 ** 30) {
      throw node_error(RangeError, 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS',
        'Invalid scrypt params: N must be a power of two greater than 1, r and p at least 1, r * p under 2^30');
    }
    if (128 * r * (N + 2 + p) > maxmem) {
      throw node_error(RangeError, 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS',
        `Invalid scrypt params: memory limit exceeded (${128 * r * (N + 2 + p)} bytes needed, maxmem is ${maxmem})`);
    }
    return { N, r, p };
  }

  // The Salsa20/8 core on 16 words at `b` of x, in place.
  function salsa8(x, b, t) {
    for (let i = 0; i < 16; i++) t[i] = x[b + i];
    for (let round = 0; round < 8; round += 2) {
      let u;
      u = t[0] + t[12]; t[4] ^= (u << 7) | (u >>> 25);
      u = t[4] + t[0]; t[8] ^= (u << 9) | (u >>> 23);
      u = t[8] + t[4]; t[12] ^= (u << 13) | (u >>> 19);
      u = t[12] + t[8]; t[0] ^= (u << 18) | (u >>> 14);
      u = t[5] + t[1]; t[9] ^= (u << 7) | (u >>> 25);
      u = t[9] + t[5]; t[13] ^= (u << 9) | (u >>> 23);
      u = t[13] + t[9]; t[1] ^= (u << 13) | (u >>> 19);
      u = t[1] + t[13]; t[5] ^= (u << 18) | (u >>> 14);
      u = t[10] + t[6]; t[14] ^= (u << 7) | (u >>> 25);
      u = t[14] + t[10]; t[2] ^= (u << 9) | (u >>> 23);
      u = t[2] + t[14]; t[6] ^= (u << 13) | (u >>> 19);
      u = t[6] + t[2]; t[10] ^= (u << 18) | (u >>> 14);
      u = t[15] + t[11]; t[3] ^= (u << 7) | (u >>> 25);
      u = t[3] + t[15]; t[7] ^= (u << 9) | (u >>> 23);
      u = t[7] + t[3]; t[11] ^= (u << 13) | (u >>> 19);
      u = t[11] + t[7]; t[15] ^= (u << 18) | (u >>> 14);
      u = t[0] + t[3]; t[1] ^= (u << 7) | (u >>> 25);
      u = t[1] + t[0]; t[2] ^= (u << 9) | (u >>> 23);
      u = t[2] + t[1]; t[3] ^= (u << 13) | (u >>> 19);
      u = t[3] + t[2]; t[0] ^= (u << 18) | (u >>> 14);
      u = t[5] + t[4]; t[6] ^= (u << 7) | (u >>> 25);
      u = t[6] + t[5]; t[7] ^= (u << 9) | (u >>> 23);
      u = t[7] + t[6]; t[4] ^= (u << 13) | (u >>> 19);
      u = t[4] + t[7]; t[5] ^= (u << 18) | (u >>> 14);
      u = t[10] + t[9]; t[11] ^= (u << 7) | (u >>> 25);
      u = t[11] + t[10]; t[8] ^= (u << 9) | (u >>> 23);
      u = t[8] + t[11]; t[9] ^= (u << 13) | (u >>> 19);
      u = t[9] + t[8]; t[10] ^= (u << 18) | (u >>> 14);
      u = t[15] + t[14]; t[12] ^= (u << 7) | (u >>> 25);
      u = t[12] + t[15]; t[13] ^= (u << 9) | (u >>> 23);
      u = t[13] + t[12]; t[14] ^= (u << 13) | (u >>> 19);
      u = t[14] + t[13]; t[15] ^= (u << 18) | (u >>> 14);
    }
    for (let i = 0; i < 16; i++) x[b + i] = (x[b + i] + t[i]) | 0;
  }

  // scryptBlockMix of the 32r words in x into y, then back into x in its order; w and t
  // are 16 words each of scratch.
  function blockMix(x, y, r, w, t) {
    const last = (2 * r - 1) * 16;
    for (let i = 0; i < 16; i++) w[i] = x[last + i];
    for (let i = 0; i < 2 * r; i++) {
      for (let j = 0; j < 16; j++) w[j] ^= x[i * 16 + j];
      salsa8(w, 0, t);
      // Even blocks first, then odd ones.
      const to = ((i & 1) * r + (i >> 1)) * 16;
      for (let j = 0; j < 16; j++) y[to + j] = w[j];
    }
    for (let i = 0; i < 32 * r; i++) x[i] = y[i];
  }

  function roMix(block, r, N) {
    const words = 32 * r;
    const x = new Int32Array(words);
    for (let i = 0; i < words; i++) {
      x[i] = block[i * 4] | (block[i * 4 + 1] << 8) | (block[i * 4 + 2] << 16) | (block[i * 4 + 3] << 24);
    }
    const v = new Int32Array(words * N);
    const y = new Int32Array(words);
    const w = new Int32Array(16);
    const t = new Int32Array(16);
    for (let i = 0; i < N; i++) {
      TypedArrayPrototypeSet(v, x, i * words);
      blockMix(x, y, r, w, t);
    }
    for (let i = 0; i < N; i++) {
      const j = x[(2 * r - 1) * 16] & (N - 1);
      for (let k = 0; k < words; k++) x[k] ^= v[j * words + k];
      blockMix(x, y, r, w, t);
    }
    for (let i = 0; i < words; i++) {
      block[i * 4] = x[i];
      block[i * 4 + 1] = x[i] >>> 8;
      block[i * 4 + 2] = x[i] >>> 16;
      block[i * 4 + 3] = x[i] >>> 24;
    }
  }

  function scryptSync(password, salt, keylen, options) {
    const passwordBytes = toBytes(password, 'utf8', 'password');
    const saltBytes = toBytes(salt, 'utf8', 'salt');
    lengthArgument(keylen, 'keylen');
    const { N, r, p } = scryptParams(options);
    const b = pbkdf2Sync(passwordBytes, saltBytes, 1, p * 128 * r, 'sha256');
    for (let i = 0; i < p; i++) {
      roMix(bytesView(b, i * 128 * r, (i + 1) * 128 * r), r, N);
    }
    return pbkdf2Sync(passwordBytes, b, 1, keylen, 'sha256');
  }

  function scrypt(password, salt, keylen, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    node_validateFunction(callback, 'callback');
    const result = scryptSync(password, salt, keylen, options);
    node_require('process').nextTick(callback, null, result);
  }

  function pbkdf2(password, salt, iterations, keylen, digest, callback) {
    node_validateFunction(callback, 'callback');
    const result = pbkdf2Sync(password, salt, iterations, keylen, digest);
    node_require('process').nextTick(callback, null, result);
  }

  function randomBytes(size, callback) {
    if (typeof size !== 'number' || !(size >= 0 && size <= 2 ** 31 - 1)) {
      throw node_outOfRange('size', '>= 0 && <= 2147483647', size);
    }
    const out = Buffer.alloc(size);
    for (let at = 0; at < size; at += 65536) {
      TypedArrayPrototypeSet(out, crypto_random(MathMin(65536, size - at)), at);
    }
    if (typeof callback === 'function') {
      node_require('process').nextTick(callback, null, out);
      return undefined;
    }
    return out;
  }

  function randomFillSync(target, offset = 0, size = undefined) {
    const bytes = viewBytes(ArrayBufferIsView(target) ? target : new Uint8Array(target));
    const end = size === undefined ? bytes.length : offset + size;
    if (offset < 0 || end > bytes.length) throw node_outOfRange('offset', `>= 0 && <= ${bytes.length}`, offset);
    TypedArrayPrototypeSet(bytes, randomBytes(end - offset), offset);
    return target;
  }

  function randomFill(target, offset, size, callback) {
    if (typeof offset === 'function') {
      callback = offset;
      offset = 0;
      size = undefined;
    } else if (typeof size === 'function') {
      callback = size;
      size = undefined;
    }
    node_validateFunction(callback, 'callback');
    randomFillSync(target, offset, size);
    node_require('process').nextTick(callback, null, target);
  }

  // A uniformly random integer in [min, max), by rejection sampling of 48-bit values.
  function randomInt(min, max, callback) {
    if (max === undefined || typeof max === 'function') {
      callback = max;
      max = min;
      min = 0;
    }
    if (!node_NumberIsSafeInteger(min)) throw node_invalidArgType('min', 'a safe integer', min);
    if (!node_NumberIsSafeInteger(max)) throw node_invalidArgType('max', 'a safe integer', max);
    if (max <= min) {
      throw node_outOfRange('max', `greater than the value of "min" (${min})`, max);
    }
    const range = max - min;
    if (range > 2 ** 48) throw node_outOfRange('max - min', '<= 281474976710655', range);
    const limit = 2 ** 48 - (2 ** 48 % range);
    let value;
    do {
      const b = crypto_random(6);
      value = ((b[0] * 256 + b[1]) * 256 + b[2]) * 16777216 + ((b[3] << 16) | (b[4] << 8) | b[5]);
    } while (value >= limit);
    const result = min + (value % range);
    if (typeof callback === 'function') {
      node_require('process').nextTick(callback, null, result);
      return undefined;
    }
    return result;
  }

  function timingSafeEqual(a, b) {
    if (!ArrayBufferIsView(a) && !isArrayBuffer(a)) {
      throw node_invalidArgType('buf1', 'an instance of ArrayBuffer, Buffer, TypedArray, or DataView', a);
    }
    if (!ArrayBufferIsView(b) && !isArrayBuffer(b)) {
      throw node_invalidArgType('buf2', 'an instance of ArrayBuffer, Buffer, TypedArray, or DataView', b);
    }
    const x = ArrayBufferIsView(a) ? viewBytes(a) : new Uint8Array(a);
    const y = ArrayBufferIsView(b) ? viewBytes(b) : new Uint8Array(b);
    if (x.length !== y.length) {
      throw node_error(RangeError, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length');
    }
    let difference = 0;
    for (let i = 0; i < x.length; i++) difference |= x[i] ^ y[i];
    return difference === 0;
  }

  const webcrypto = globalThis.crypto;
  const [keyExports, keys] = node_cryptoKeys(Buffer, toBytes);
  return {
    ...keyExports,
    ...node_cryptoSigning(Buffer, toBytes, keys),
    ...node_cryptoCiphers(Buffer, toBytes, keys),
    createHash: (algorithm, options) => new Hash(algorithm),
    createHmac: (algorithm, key, options) => new Hmac(algorithm, key),
    hash: (algorithm, data, outputEncoding = 'hex') => new Hash(algorithm).update(data).digest(outputEncoding),
    Hash,
    Hmac,
    getHashes: () => ['md5', 'sha1', 'sha256', 'sha384', 'sha512'],
    getCurves: () => ['prime256v1', 'secp384r1', 'secp521r1'],
    pbkdf2,
    pbkdf2Sync,
    randomBytes,
    pseudoRandomBytes: randomBytes,
    randomFill,
    randomFillSync,
    randomInt,
    randomUUID: () => webcrypto.randomUUID(),
    getRandomValues: (array) => webcrypto.getRandomValues(array),
    timingSafeEqual,
    webcrypto,
    subtle: webcrypto.subtle,
    // The RSA padding and salt-length values sign() and verify() take, as Node numbers them.
    constants: ObjectFreeze({
      __proto__: null, RSA_PKCS1_PADDING: 1, RSA_NO_PADDING: 3, RSA_PKCS1_OAEP_PADDING: 4, RSA_PKCS1_PSS_PADDING: 6,
      RSA_PSS_SALTLEN_DIGEST: -1, RSA_PSS_SALTLEN_MAX_SIGN: -2, RSA_PSS_SALTLEN_AUTO: -2,
      POINT_CONVERSION_COMPRESSED: 2, POINT_CONVERSION_UNCOMPRESSED: 4, POINT_CONVERSION_HYBRID: 6,
    }),
    scrypt,
    scryptSync,
    hkdf,
    hkdfSync,
    createDiffieHellman: node_notImplemented('crypto.createDiffieHellman'),
    createECDH: node_notImplemented('crypto.createECDH'),
    publicEncrypt: node_notImplemented('crypto.publicEncrypt'),
    privateDecrypt: node_notImplemented('crypto.privateDecrypt'),
    getFips: () => 0,
    setFips: node_notImplemented('crypto.setFips'),
  };
});

const node_NumberIsSafeInteger = Number.isSafeInteger;
