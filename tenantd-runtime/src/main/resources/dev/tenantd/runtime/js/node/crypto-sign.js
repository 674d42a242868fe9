// node:crypto's signatures: sign, verify, createSign, createVerify, over the Web Crypto host
// with the keys of crypto-keys.js. RSA signs with PKCS #1 v1.5 or PSS (Node's padding and
// saltLength options), EC with ECDSA, whose signatures are DER (Node's default) or IEEE P1363
// (dsaEncoding) and are converted here from and to the host's P1363; Ed25519 takes no digest.
//
// node_cryptoSigning(Buffer, toBytes, keys) -> the exports to add to node:crypto.

function node_cryptoSigning(Buffer, toBytes, keys) {
  const { KeyObject, partsOf, createPrivateKey, createPublicKey, publicOf, derRead, derChildren, derEncode, slice } = keys;
  const DIGESTS = { __proto__: null, sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
  const DIGEST_BYTES = { __proto__: null, 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

  function digestName(algorithm) {
    if (algorithm === undefined || algorithm === null) return undefined;
    node_validateString(algorithm, 'algorithm');
    let name = StringPrototypeToLowerCase(algorithm);
    if (StringPrototypeStartsWith(name, 'rsa-')) name = StringPrototypeSlice(name, 4);
    name = node_keysReplace(name, '-', '');
    const found = DIGESTS[name];
    if (found === undefined) throw node_error(TypeError, 'ERR_CRYPTO_INVALID_DIGEST', 'Invalid digest');
    return found;
  }

  // The key and options of a sign or verify call.
  function signingKey(key, wanted) {
    let options = {};
    let keyObject = key;
    if (!(key instanceof KeyObject)) {
      if (key !== null && typeof key === 'object' && !ArrayBufferIsView(key) && !isArrayBuffer(key)) {
        options = key;
        keyObject = key.key instanceof KeyObject ? key.key : undefined;
      }
      if (keyObject === undefined || !(keyObject instanceof KeyObject)) {
        keyObject = wanted === 'private' ? createPrivateKey(key) : createPublicKey(key);
      }
    }
    if (wanted === 'public' && keyObject.type === 'private') keyObject = publicOf(keyObject);
    if (keyObject.type !== wanted) {
      throw node_error(TypeError, 'ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE',
        `Invalid key object type ${keyObject.type}, expected ${wanted}.`);
    }
    return [partsOf(keyObject), options];
  }

  function signParams(parts, hash, options) {
    if (parts.kind === 'ed25519') {
      if (hash !== undefined) throw node_error(Error, 'ERR_OSSL_INVALID_DIGEST', 'error:1C80007A:Provider routines::invalid digest');
      return [{ alg: 'Ed25519' }];
    }
    if (parts.kind === 'x25519') throw node_error(Error, 'ERR_OSSL_EVP_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE', 'operation not supported for this keytype');
    const digest = hash ?? 'SHA-256';
    if (parts.kind === 'ec') return [{ alg: 'ECDSA', hash: digest }];
    const padding = options.padding ?? 1;
    if (padding === 1) return [{ alg: 'RSASSA-PKCS1-v1_5', hash: digest }];
    if (padding !== 6) throw node_error(Error, 'ERR_OSSL_RSA_UNKNOWN_PADDING_TYPE', 'unknown padding type');
    // Node's special salt lengths: -1 the digest's length, -2 the largest (signing) or any (verifying).
    const largest = node_keysCeil(parts.details.modulusLength / 8) - DIGEST_BYTES[digest] - 2;
    const salt = options.saltLength ?? -2;
    if (typeof salt !== 'number' || !NumberIsInteger(salt)) {
      throw node_error(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "options.saltLength" property must be an integer.');
    }
    if (salt === -1) return [{ alg: 'RSA-PSS', hash: digest, saltLength: DIGEST_BYTES[digest] }];
    if (salt === -2) {
      return [{ alg: 'RSA-PSS', hash: digest, saltLength: largest }, { alg: 'RSA-PSS', hash: digest, saltLength: DIGEST_BYTES[digest] }];
    }
    return [{ alg: 'RSA-PSS', hash: digest, saltLength: salt }];
  }

  function sign(algorithm, data, key, callback) {
    const hash = digestName(algorithm);
    const bytes = toBytes(data, undefined, 'data');
    const [parts, options] = signingKey(key, 'private');
    const params = signParams(parts, hash, options);
    let signature = memory_fromHost(cryptoKey_host('sign', params[0], parts.material, bytes));
    if (parts.kind === 'ec' && options.dsaEncoding !== 'ieee-p1363') signature = p1363ToDer(signature);
    const result = Buffer.from(signature);
    if (typeof callback === 'function') {
      node_require('process').nextTick(callback, null, result);
      return undefined;
    }
    return result;
  }

  function verify(algorithm, data, key, signature, callback) {
    const hash = digestName(algorithm);
    const bytes = toBytes(data, undefined, 'data');
    let signatureBytes = toBytes(signature, undefined, 'signature');
    const [parts, options] = signingKey(key, 'public');
    const params = signParams(parts, hash, options);
    if (parts.kind === 'ec' && options.dsaEncoding !== 'ieee-p1363') {
      signatureBytes = derToP1363(signatureBytes, parts.curve[2]);
      if (signatureBytes === undefined) return answer(false, callback);
    }
    for (let i = 0; i < params.length; i++) {
      const verdict = memory_fromHost(cryptoKey_host('verify', params[i], parts.material, bytes, signatureBytes));
      if (verdict[0] === 1) return answer(true, callback);
    }
    return answer(false, callback);
  }

  function answer(value, callback) {
    if (typeof callback !== 'function') return value;
    node_require('process').nextTick(callback, null, value);
    return undefined;
  }

  // ECDSA's r || s (each the field's size) as DER's SEQUENCE { INTEGER r, INTEGER s }, and back.
  function p1363ToDer(raw) {
    const half = raw.length / 2;
    const integer = (bytes) => {
      let at = 0;
      while (at < bytes.length - 1 && bytes[at] === 0) at++;
      const trimmed = TypedArrayPrototypeSubarray(bytes, at);
      return derEncode(2, trimmed[0] & 0x80 ? [new Uint8Array([0]), trimmed] : [trimmed]);
    };
    return derEncode(0x30, [integer(TypedArrayPrototypeSubarray(raw, 0, half)), integer(TypedArrayPrototypeSubarray(raw, half))]);
  }

  function derToP1363(der, size) {
    try {
      const top = derRead(der, 0);
      const children = derChildren(der, top);
      if (top.tag !== 0x30 || top.end !== der.length || children.length !== 2) return undefined;
      const out = new Uint8Array(2 * size);
      for (let i = 0; i < 2; i++) {
        if (children[i].tag !== 2) return undefined;
        let value = slice(der, children[i]);
        while (value.length > size && value[0] === 0) value = TypedArrayPrototypeSubarray(value, 1);
        if (value.length > size) return undefined;
        TypedArrayPrototypeSet(out, value, (i + 1) * size - value.length);
      }
      return out;
    } catch {
      return undefined;
    }
  }

  // Sign and Verify collect what update() gives; the work happens at sign() / verify().
  let collected;

  class Collector {
    #hash;
    #chunks = [];
    #length = 0;

    constructor(algorithm) {
      this.#hash = digestName(algorithm);
    }

    update(data, encoding) {
      const bytes = toBytes(data, encoding, 'data');
      ArrayPrototypePush(this.#chunks, bytes);
      this.#length += bytes.length;
      return this;
    }

    static {
      collected = (self) => [self.#hash,
        concatBytes(self.#chunks.length === 0 ? [new Uint8Array(0)] : self.#chunks, self.#length)];
    }
  }

  class Sign extends Collector {
    sign(key, outputEncoding) {
      const [hash, bytes] = collected(this);
      const signature = sign(hash, bytes, key);
      return outputEncoding === undefined || outputEncoding === 'buffer' ? signature : signature.toString(outputEncoding);
    }
  }

  class Verify extends Collector {
    verify(key, signature, signatureEncoding) {
      const [hash, bytes] = collected(this);
      const signatureBytes = typeof signature === 'string' ? Buffer.from(signature, signatureEncoding) : signature;
      return verify(hash, bytes, key, signatureBytes);
    }
  }

  return {
    sign,
    verify,
    createSign: (algorithm) => new Sign(algorithm),
    createVerify: (algorithm) => new Verify(algorithm),
    Sign,
    Verify,
  };
}
