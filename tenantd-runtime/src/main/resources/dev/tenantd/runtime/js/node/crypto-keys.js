// node:crypto's key objects (createSecretKey, createPublicKey, createPrivateKey, KeyObject,
// generateKeyPair(Sync)), synchronously on the Web Crypto host (crypto-key.js's
// cryptoKey_host): a KeyObject holds the host's material (raw bytes, PKCS #8 or SPKI DER) in a
// private field, and each operation hands it over for one call. Keys come as PEM, DER or JWK;
// PKCS #1 and SEC 1 keys, and the public key of an X.509 certificate, are rewrapped here into
// PKCS #8 / SPKI, the forms the host reads; an encrypted PKCS #8 key (PBES2) is decrypted with
// the host's PBKDF2 and AES-CBC.
//
// node_cryptoKeys(Buffer, toBytes) -> [the exports to add to node:crypto, what
//     crypto-sign.js and crypto-cipher.js use: { KeyObject, partsOf, createPrivateKey,
//     createPublicKey, publicOf, derRead, derChildren, derEncode, slice }]

const node_keysFloor = Math.floor;
const node_keysCeil = Math.ceil;
const node_keysBigInt = BigInt;
const node_keysUnshift = uncurryThis(Array.prototype.unshift);
const node_keysSlice = uncurryThis(TypedArrayPrototype.slice);
const node_keysReplace = uncurryThis(String.prototype.replace);
const node_keysEndsWith = uncurryThis(String.prototype.endsWith);

function node_cryptoKeys(Buffer, toBytes) {
  const OID = {
    __proto__: null,
    '2a864886f70d010101': 'rsa',
    '2a864886f70d01010a': 'rsa-pss',
    '2a8648ce3d0201': 'ec',
    '2b6570': 'ed25519',
    '2b656e': 'x25519',
  };
  const CURVES = {
    __proto__: null,
    '2a8648ce3d030107': ['P-256', 'prime256v1', 32],
    '2b81040022': ['P-384', 'secp384r1', 48],
    '2b81040023': ['P-521', 'secp521r1', 66],
  };
  const PBES2 = '2a864886f70d01050d';
  const PBKDF2 = '2a864886f70d01050c';
  const PRF = {
    __proto__: null,
    '2a864886f70d0207': 'SHA-1',
    '2a864886f70d0209': 'SHA-256',
    '2a864886f70d020a': 'SHA-384',
    '2a864886f70d020b': 'SHA-512',
  };
  // AES-CBC's object identifiers -> key bytes.
  const AES_CBC = { __proto__: null, '608648016503040102': 16, '608648016503040116': 24, '60864801650304012a': 32 };
  const HOST_ALG = { __proto__: null, rsa: 'RSASSA-PKCS1-v1_5', ec: 'ECDSA', ed25519: 'Ed25519', x25519: 'X25519' };

  const unsupportedKey = () => node_error(Error, 'ERR_OSSL_UNSUPPORTED', 'error:1E08010C:DECODER routines::unsupported');

  // ---- DER: what the key forms need of it
  function derRead(bytes, at) {
    if (at + 2 > bytes.length) throw unsupportedKey();
    const tag = bytes[at];
    let length = bytes[at + 1];
    let start = at + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || start + count > bytes.length) throw unsupportedKey();
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
      start += count;
    }
    if (start + length > bytes.length) throw unsupportedKey();
    return { tag, start, end: start + length };
  }

  function derChildren(bytes, node) {
    const children = [];
    for (let at = node.start; at < node.end;) {
      const child = derRead(bytes, at);
      ArrayPrototypePush(children, child);
      at = child.end;
    }
    return children;
  }

  function derEncode(tag, parts) {
    let length = 0;
    for (let i = 0; i < parts.length; i++) length += parts[i].length;
    const head = [tag];
    if (length < 128) ArrayPrototypePush(head, length);
    else {
      const digits = [];
      for (let n = length; n > 0; n = node_keysFloor(n / 256)) node_keysUnshift(digits, n % 256);
      ArrayPrototypePush(head, 0x80 | digits.length, ...digits);
    }
    const out = new Uint8Array(head.length + length);
    TypedArrayPrototypeSet(out, head);
    let at = head.length;
    for (let i = 0; i < parts.length; i++) {
      TypedArrayPrototypeSet(out, parts[i], at);
      at += parts[i].length;
    }
    return out;
  }

  const slice = (bytes, node) => TypedArrayPrototypeSubarray(bytes, node.start, node.end);
  const hex = (bytes) => Buffer.from(bytes).toString('hex');
  const fromHex = (text) => new Uint8Array(Buffer.from(text, 'hex'));

  // The algorithm of a PKCS #8 or SPKI key: [kind, curve entry or undefined].
  function algorithmOf(bytes, identifier) {
    const [oid, parameters] = derChildren(bytes, identifier);
    const kind = oid && oid.tag === 6 ? OID[hex(slice(bytes, oid))] : undefined;
    if (kind === undefined || kind === 'rsa-pss') throw unsupportedKey();
    let curve;
    if (kind === 'ec') {
      curve = parameters && parameters.tag === 6 ? CURVES[hex(slice(bytes, parameters))] : undefined;
      if (curve === undefined) throw unsupportedKey();
    }
    return [kind, curve];
  }

  function pkcs8Info(bytes) {
    const top = derRead(bytes, 0);
    const children = derChildren(bytes, top);
    if (top.tag !== 0x30 || children.length < 3 || children[1].tag !== 0x30 || children[2].tag !== 4) throw unsupportedKey();
    return algorithmOf(bytes, children[1]);
  }

  function spkiInfo(bytes) {
    const top = derRead(bytes, 0);
    const children = derChildren(bytes, top);
    if (top.tag !== 0x30 || children.length !== 2 || children[0].tag !== 0x30 || children[1].tag !== 3) throw unsupportedKey();
    return algorithmOf(bytes, children[0]);
  }

  const RSA_ID = () => derEncode(0x30, [derEncode(6, [fromHex('2a864886f70d010101')]), new Uint8Array([5, 0])]);

  function pkcs1PrivateToPkcs8(bytes) {
    return derEncode(0x30, [new Uint8Array([2, 1, 0]), RSA_ID(), derEncode(4, [bytes])]);
  }

  function pkcs1PublicToSpki(bytes) {
    return derEncode(0x30, [RSA_ID(), derEncode(3, [new Uint8Array([0]), bytes])]);
  }

  // SEC 1's ECPrivateKey names its curve in [0]; PKCS #8 names it in the algorithm and, as
  // OpenSSL writes it, leaves [0] out of the key it wraps.
  function sec1ToPkcs8(bytes) {
    const top = derRead(bytes, 0);
    const children = derChildren(bytes, top);
    let curve;
    const kept = [];
    for (let i = 0; i < children.length; i++) {
      if (children[i].tag === 0xa0) curve = derRead(bytes, children[i].start);
      else ArrayPrototypePush(kept, TypedArrayPrototypeSubarray(bytes, derStart(bytes, children[i]), children[i].end));
    }
    if (top.tag !== 0x30 || curve === undefined || curve.tag !== 6) throw unsupportedKey();
    const identifier = derEncode(0x30, [derEncode(6, [fromHex('2a8648ce3d0201')]),
      TypedArrayPrototypeSubarray(bytes, derStart(bytes, curve), curve.end)]);
    return derEncode(0x30, [new Uint8Array([2, 1, 0]), identifier, derEncode(4, [derEncode(0x30, kept)])]);
  }

  // The SubjectPublicKeyInfo inside an X.509 certificate.
  function certificateSpki(bytes) {
    const certificate = derRead(bytes, 0);
    const tbs = derChildren(bytes, certificate)[0];
    if (tbs === undefined || tbs.tag !== 0x30) throw unsupportedKey();
    const fields = derChildren(bytes, tbs);
    const spki = fields[fields[0] && fields[0].tag === 0xa0 ? 6 : 5];
    if (spki === undefined || spki.tag !== 0x30) throw unsupportedKey();
    return new Uint8Array(TypedArrayPrototypeSubarray(bytes, derStart(bytes, spki), spki.end));
  }

  // Where a node's tag starts (its content start less the tag and length bytes).
  function derStart(bytes, node) {
    const length = node.end - node.start;
    const lengthBytes = length < 128 ? 1 : 1 + (length < 256 ? 1 : length < 65536 ? 2 : length < 16777216 ? 3 : 4);
    return node.start - lengthBytes - 1;
  }

  // ---- PEM
  function pemOf(text) {
    const begin = StringPrototypeIndexOf(text, '-----BEGIN ');
    if (begin < 0) return undefined;
    const labelEnd = StringPrototypeIndexOf(text, '-----', begin + 11);
    if (labelEnd < 0) throw unsupportedKey();
    const label = StringPrototypeSlice(text, begin + 11, labelEnd);
    const end = StringPrototypeIndexOf(text, `-----END ${label}-----`, labelEnd);
    if (end < 0) throw unsupportedKey();
    const body = StringPrototypeSlice(text, labelEnd + 5, end);
    if (StringPrototypeIncludes(body, 'Proc-Type')) {
      throw node_error(Error, 'ERR_METHOD_NOT_IMPLEMENTED',
        'PEM keys encrypted in the legacy (Proc-Type) form are not implemented; use an ENCRYPTED PRIVATE KEY (PKCS #8)');
    }
    return { label, der: new Uint8Array(Buffer.from(body, 'base64')) };
  }

  function pemText(label, der) {
    const base64 = Buffer.from(der).toString('base64');
    let text = `-----BEGIN ${label}-----\n`;
    for (let i = 0; i < base64.length; i += 64) text += `${StringPrototypeSlice(base64, i, i + 64)}\n`;
    return `${text}-----END ${label}-----\n`;
  }

  // ---- KeyObject
  const token = Symbol('KeyObject');

  function hostCall(operation, params, key, data, extra1, extra2) {
    try {
      return cryptoKey_host(operation, params, key, data, extra1, extra2);
    } catch (error) {
      if (domException_isInstance(error) && error.name === 'DataError') throw unsupportedKey();
      throw error;
    }
  }

  let makeKey;
  let partsOf;

  class KeyObject {
    #type;
    #material;
    #kind;
    #curve;
    #details;

    constructor(type, handle) {
      if (handle !== token) {
        throw node_error(TypeError, 'ERR_ILLEGAL_CONSTRUCTOR', 'Illegal constructor: use createSecretKey, '
          + 'createPublicKey or createPrivateKey');
      }
      this.#type = type;
    }

    static from(key) {
      let parts;
      try {
        parts = cryptoKey_parts(key);
      } catch {
        parts = undefined;
      }
      if (parts !== undefined) {
        if (parts.type === 'secret') return secretKey(new Uint8Array(parts.material));
        return parts.type === 'private' ? privateFromDer(parts.material) : publicFromDer(parts.material);
      }
      throw node_invalidArgType('key', 'an instance of CryptoKey', key);
    }

    get type() {
      return this.#type;
    }

    get asymmetricKeyType() {
      return this.#kind;
    }

    get symmetricKeySize() {
      return this.#type === 'secret' ? this.#material.length : undefined;
    }

    get asymmetricKeyDetails() {
      if (this.#type === 'secret') return undefined;
      return { ...this.#details };
    }

    equals(other) {
      if (!(other instanceof KeyObject)) throw node_invalidArgType('otherKeyObject', 'an instance of KeyObject', other);
      if (other.type !== this.#type) return false;
      const a = this.#material;
      const b = node_keyMaterial(other);
      if (a.length !== b.length) return false;
      let difference = 0;
      for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
      return difference === 0;
    }

    export(options) {
      if (this.#type === 'secret') {
        if (options && options.format === 'jwk') return { kty: 'oct', k: cryptoKey_toBase64url(this.#material) };
        return Buffer.from(this.#material);
      }
      node_validateObject(options, 'options');
      const format = options.format;
      if (format === 'jwk') return this.#jwk();
      if (format !== 'pem' && format !== 'der') {
        throw node_error(TypeError, 'ERR_INVALID_ARG_VALUE', `The property 'options.format' must be one of: 'pem', 'der', 'jwk'. Received ${node_describe(format)}`);
      }
      if (options.cipher !== undefined) {
        throw node_error(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'Exporting encrypted private keys is not implemented');
      }
      const type = options.type;
      let der;
      let label;
      if (this.#type === 'public' && type === 'spki') {
        der = this.#material;
        label = 'PUBLIC KEY';
      } else if (this.#type === 'private' && type === 'pkcs8') {
        der = this.#material;
        label = 'PRIVATE KEY';
      } else if (type === 'pkcs1' && this.#kind === 'rsa') {
        der = this.#inner();
        label = this.#type === 'public' ? 'RSA PUBLIC KEY' : 'RSA PRIVATE KEY';
      } else if (type === 'sec1' && this.#kind === 'ec' && this.#type === 'private') {
        der = this.#sec1();
        label = 'EC PRIVATE KEY';
      } else {
        throw node_error(TypeError, 'ERR_INVALID_ARG_VALUE',
          `The property 'options.type' is invalid for a ${this.#kind} ${this.#type} key. Received ${node_describe(type)}`);
      }
      return format === 'pem' ? pemText(label, der) : Buffer.from(der);
    }

    // SEC 1's ECPrivateKey, as OpenSSL and Node write it: version, the private key, the curve
    // in [0] and the public key in [1] (the one inside PKCS #8 may leave both out).
    #sec1() {
      const inner = this.#inner();
      const fields = derChildren(inner, derRead(inner, 0));
      if (fields.length < 2 || fields[0].tag !== 2 || fields[1].tag !== 4) throw unsupportedKey();
      let oid;
      const ids = ObjectKeys(CURVES);
      for (let i = 0; i < ids.length; i++) if (CURVES[ids[i]] === this.#curve) oid = ids[i];
      let publicKey;
      for (let i = 2; i < fields.length; i++) {
        if (fields[i].tag === 0xa1) publicKey = TypedArrayPrototypeSubarray(inner, derStart(inner, fields[i]), fields[i].end);
      }
      if (publicKey === undefined) {
        const jwk = this.#jwk();
        const x = Buffer.from(jwk.x, 'base64url');
        const y = Buffer.from(jwk.y, 'base64url');
        const point = new Uint8Array(1 + x.length + y.length);
        point[0] = 4;
        for (let i = 0; i < x.length; i++) point[1 + i] = x[i];
        for (let i = 0; i < y.length; i++) point[1 + x.length + i] = y[i];
        publicKey = derEncode(0xa1, [derEncode(3, [new Uint8Array([0]), point])]);
      }
      return derEncode(0x30, [
        TypedArrayPrototypeSubarray(inner, derStart(inner, fields[0]), fields[0].end),
        TypedArrayPrototypeSubarray(inner, derStart(inner, fields[1]), fields[1].end),
        derEncode(0xa0, [derEncode(6, [fromHex(oid)])]),
        publicKey,
      ]);
    }

    // The key inside the PKCS #8 octet string or the SPKI bit string (PKCS #1 for RSA).
    #inner() {
      const bytes = this.#material;
      const children = derChildren(bytes, derRead(bytes, 0));
      if (this.#type === 'private') return new Uint8Array(slice(bytes, children[2]));
      return new Uint8Array(TypedArrayPrototypeSubarray(bytes, children[1].start + 1, children[1].end));
    }

    #jwk() {
      const out = hostCall('export', { alg: HOST_ALG[this.#kind], format: 'jwk', type: this.#type }, this.#material);
      const jwk = {};
      if (this.#kind === 'rsa') {
        jwk.kty = 'RSA';
      } else if (this.#kind === 'ec') {
        jwk.kty = 'EC';
      } else {
        jwk.crv = this.#kind === 'ed25519' ? 'Ed25519' : 'X25519';
      }
      const members = ObjectKeys(out);
      for (let i = 0; i < members.length; i++) jwk[members[i]] = out[members[i]];
      if (this.#kind === 'ec') {
        const d = jwk.d;
        delete jwk.d;
        jwk.crv = this.#curve[0];
        if (d !== undefined) jwk.d = d;
      }
      if (this.#kind === 'ed25519' || this.#kind === 'x25519') jwk.kty = 'OKP';
      return jwk;
    }

    static {
      makeKey = (type, material, kind, curve, details) => {
        const key = new KeyObject(type, token);
        key.#material = material;
        key.#kind = kind;
        key.#curve = curve;
        key.#details = details;
        return key;
      };
      partsOf = (key) => ({ type: key.#type, material: key.#material, kind: key.#kind, curve: key.#curve,
        details: key.#details });
    }
  }
  const node_keyMaterial = (key) => partsOf(key).material;

  function secretKey(bytes) {
    return makeKey('secret', new Uint8Array(bytes));
  }

  // The key as the host reads it; the host checks that it parses.
  function asymmetric(type, der, info) {
    const [kind, curve] = info;
    const made = hostCall('import', { alg: HOST_ALG[kind], format: type === 'private' ? 'pkcs8' : 'spki',
      namedCurve: curve && curve[0] }, der);
    const details = {};
    if (made.modulusLength !== undefined) {
      details.modulusLength = +made.modulusLength;
      let exponent = 0n;
      const e = cryptoKey_fromBase64url(made.publicExponent, 'publicExponent');
      for (let i = 0; i < e.length; i++) exponent = exponent * 256n + node_keysBigInt(e[i]);
      details.publicExponent = exponent;
    }
    if (curve !== undefined) details.namedCurve = curve[1];
    return makeKey(type, cryptoKey_fromBase64url(made.material, 'material'), kind, curve, details);
  }

  const privateFromDer = (der) => asymmetric('private', der, pkcs8Info(der));
  const publicFromDer = (der) => asymmetric('public', der, spkiInfo(der));

  function fromJwk(jwk, wantPrivate) {
    node_validateObject(jwk, 'key.key');
    const kty = jwk.kty;
    let kind;
    let curve;
    const members = [];
    if (kty === 'RSA') {
      kind = 'rsa';
      ArrayPrototypePush(members, 'n', 'e');
      if (wantPrivate) ArrayPrototypePush(members, 'd', 'p', 'q', 'dp', 'dq', 'qi');
    } else if (kty === 'EC') {
      kind = 'ec';
      const names = ObjectKeys(CURVES);
      for (let i = 0; i < names.length; i++) if (CURVES[names[i]][0] === jwk.crv) curve = CURVES[names[i]];
      if (curve === undefined) throw node_error(TypeError, 'ERR_CRYPTO_INVALID_JWK', 'Invalid JWK EC key');
      ArrayPrototypePush(members, 'x', 'y');
      if (wantPrivate) ArrayPrototypePush(members, 'd');
    } else if (kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'X25519')) {
      kind = jwk.crv === 'Ed25519' ? 'ed25519' : 'x25519';
      ArrayPrototypePush(members, 'x');
      if (wantPrivate) ArrayPrototypePush(members, 'd');
    } else {
      throw node_error(TypeError, 'ERR_CRYPTO_INVALID_JWK', 'Invalid JWK data');
    }
    const params = { alg: HOST_ALG[kind], format: 'jwk', namedCurve: curve && curve[0] };
    for (let i = 0; i < members.length; i++) {
      const value = jwk[members[i]];
      if (typeof value !== 'string' || StringPrototypeIncludes(value, '\n')) {
        throw node_error(TypeError, 'ERR_CRYPTO_INVALID_JWK', `Invalid JWK ${kty} key`);
      }
      params[members[i]] = value;
    }
    const made = hostCall('import', params);
    const material = cryptoKey_fromBase64url(made.material, 'material');
    return wantPrivate ? privateFromDer(material) : publicFromDer(material);
  }

  // The public key of a private one: its JWK without the private members.
  function publicOf(privateKey) {
    const jwk = privateKey.export({ format: 'jwk' });
    return fromJwk(jwk, false);
  }

  // createPrivateKey / createPublicKey's argument: [data (string or bytes), format, type, encoding, passphrase].
  function keyInput(key) {
    if (typeof key === 'string' || ArrayBufferIsView(key) || isArrayBuffer(key)) return [key, 'pem', undefined, undefined];
    if (key !== null && typeof key === 'object') {
      return [key.key, key.format ?? 'pem', key.type, key.encoding, key.passphrase];
    }
    throw node_invalidArgType('key', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, or object', key);
  }

  function keyText(data, encoding) {
    if (typeof data === 'string') return data;
    return Buffer.from(toBytes(data, encoding, 'key')).toString('latin1');
  }

  function derBytes(data, encoding) {
    return new Uint8Array(toBytes(data, encoding, 'key.key'));
  }

  // PKCS #8's EncryptedPrivateKeyInfo with PBES2 (PBKDF2 and AES-CBC), what OpenSSL and Node
  // write: the key is derived and the data decrypted on the host.
  function decryptPkcs8(der, passphrase) {
    if (passphrase === undefined || passphrase === null) {
      throw node_error(Error, 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED',
        'error:07880109:common libcrypto routines::interrupted or cancelled');
    }
    const password = toBytes(passphrase, undefined, 'key.passphrase');
    const at = (node, index, tag) => {
      const child = derChildren(der, node)[index];
      if (child === undefined || child.tag !== tag) throw unsupportedKey();
      return child;
    };
    const top = derRead(der, 0);
    const algorithm = at(top, 0, 0x30);
    const encrypted = slice(der, at(top, 1, 4));
    if (hex(slice(der, at(algorithm, 0, 6))) !== PBES2) throw unsupportedKey();
    const pbes2 = at(algorithm, 1, 0x30);
    const kdf = at(pbes2, 0, 0x30);
    if (hex(slice(der, at(kdf, 0, 6))) !== PBKDF2) throw unsupportedKey();
    const kdfParams = derChildren(der, at(kdf, 1, 0x30));
    const scheme = at(pbes2, 1, 0x30);
    const keyBytes = AES_CBC[hex(slice(der, at(scheme, 0, 6)))];
    if (keyBytes === undefined || kdfParams.length < 2 || kdfParams[0].tag !== 4 || kdfParams[1].tag !== 2) {
      throw unsupportedKey();
    }
    let iterations = 0;
    const count = slice(der, kdfParams[1]);
    for (let i = 0; i < count.length; i++) iterations = iterations * 256 + count[i];
    let hash = 'SHA-1';
    const prf = kdfParams[kdfParams.length - 1];
    if (prf.tag === 0x30) {
      hash = PRF[hex(slice(der, at(prf, 0, 6)))];
      if (hash === undefined) throw unsupportedKey();
    }
    const iv = slice(der, at(scheme, 1, 4));
    try {
      const aesKey = memory_fromHost(cryptoKey_host('deriveBits', { alg: 'PBKDF2', hash, length: keyBytes * 8, iterations },
        password, null, slice(der, kdfParams[0])));
      const plain = memory_fromHost(cryptoKey_host('decrypt', { alg: 'AES-CBC' }, aesKey, encrypted, iv));
      pkcs8Info(plain);
      return plain;
    } catch (error) {
      if (error && error.code === 'ERR_OSSL_UNSUPPORTED') throw error;
      throw node_error(Error, 'ERR_OSSL_BAD_DECRYPT', 'error:1C800064:Provider routines::bad decrypt');
    }
  }

  // Whether DER given as pkcs8 is an EncryptedPrivateKeyInfo (its algorithm comes first).
  function isEncrypted(der) {
    const first = derChildren(der, derRead(der, 0))[0];
    return first !== undefined && first.tag === 0x30;
  }

  function createPrivateKey(key) {
    const [data, format, type, encoding, passphrase] = keyInput(key);
    if (format === 'jwk') return fromJwk(data, true);
    if (format === 'der') {
      const der = derBytes(data, encoding);
      if (type === 'pkcs8') return privateFromDer(isEncrypted(der) ? decryptPkcs8(der, passphrase) : der);
      if (type === 'pkcs1') return privateFromDer(pkcs1PrivateToPkcs8(der));
      if (type === 'sec1') return privateFromDer(sec1ToPkcs8(der));
      throw node_error(TypeError, 'ERR_INVALID_ARG_VALUE', `The property 'key.type' is invalid. Received ${node_describe(type)}`);
    }
    const pem = pemOf(keyText(data, encoding));
    if (pem === undefined) throw unsupportedKey();
    if (pem.label === 'PRIVATE KEY') return privateFromDer(pem.der);
    if (pem.label === 'ENCRYPTED PRIVATE KEY') return privateFromDer(decryptPkcs8(pem.der, passphrase));
    if (pem.label === 'RSA PRIVATE KEY') return privateFromDer(pkcs1PrivateToPkcs8(pem.der));
    if (pem.label === 'EC PRIVATE KEY') return privateFromDer(sec1ToPkcs8(pem.der));
    throw unsupportedKey();
  }

  function createPublicKey(key) {
    if (key instanceof KeyObject) {
      if (key.type === 'private') return publicOf(key);
      if (key.type === 'public') return key;
      throw node_error(TypeError, 'ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE', 'Invalid key object type secret, expected private.');
    }
    if (key !== null && typeof key === 'object' && key.key instanceof KeyObject) return createPublicKey(key.key);
    const [data, format, type, encoding] = keyInput(key);
    if (format === 'jwk') return fromJwk(data, false);
    if (format === 'der') {
      const der = derBytes(data, encoding);
      if (type === 'spki') return publicFromDer(der);
      if (type === 'pkcs1') return publicFromDer(pkcs1PublicToSpki(der));
      if (type === 'pkcs8' || type === 'sec1') return publicOf(createPrivateKey(key));
      throw node_error(TypeError, 'ERR_INVALID_ARG_VALUE', `The property 'key.type' is invalid. Received ${node_describe(type)}`);
    }
    const pem = pemOf(keyText(data, encoding));
    if (pem === undefined) throw unsupportedKey();
    if (pem.label === 'PUBLIC KEY') return publicFromDer(pem.der);
    if (pem.label === 'RSA PUBLIC KEY') return publicFromDer(pkcs1PublicToSpki(pem.der));
    if (pem.label === 'CERTIFICATE') return publicFromDer(certificateSpki(pem.der));
    if (node_keysEndsWith(pem.label, 'PRIVATE KEY')) return publicOf(createPrivateKey(key));
    throw unsupportedKey();
  }

  function createSecretKey(key, encoding) {
    if (typeof key === 'string') return secretKey(toBytes(key, encoding, 'key'));
    if (ArrayBufferIsView(key) || isArrayBuffer(key)) return secretKey(toBytes(key, undefined, 'key'));
    throw node_invalidArgType('key', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView', key);
  }

  // The key pairs the host generates: RSA (at most the host's size), EC on its curves, Ed25519, X25519.
  function generateKeyPairSync(type, options) {
    node_validateString(type, 'type');
    if (options === undefined) options = {};
    node_validateObject(options, 'options');
    const params = { alg: HOST_ALG[type] };
    if (params.alg === undefined) {
      throw node_error(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'type' must be a supported key type. Received '${type}'`);
    }
    if (type === 'rsa') {
      node_validateNumber(options.modulusLength, 'options.modulusLength');
      params.modulusLength = options.modulusLength;
      const exponent = options.publicExponent ?? 65537;
      node_validateNumber(exponent, 'options.publicExponent');
      const bytes = [];
      for (let n = exponent; n > 0; n = node_keysFloor(n / 256)) node_keysUnshift(bytes, n % 256);
      params.publicExponent = cryptoKey_toBase64url(new Uint8Array(bytes));
    } else if (type === 'ec') {
      node_validateString(options.namedCurve, 'options.namedCurve');
      const names = ObjectKeys(CURVES);
      for (let i = 0; i < names.length; i++) {
        const curve = CURVES[names[i]];
        if (curve[0] === options.namedCurve || curve[1] === options.namedCurve) params.namedCurve = curve[0];
      }
      if (params.namedCurve === undefined) throw node_error(TypeError, 'ERR_CRYPTO_INVALID_CURVE', 'Invalid EC curve name');
    }
    let made;
    try {
      made = cryptoKey_host('generate', params);
    } catch (error) {
      throw node_error(Error, 'ERR_CRYPTO_OPERATION_FAILED', error.message);
    }
    const publicKey = publicFromDer(cryptoKey_fromBase64url(made.public, 'public'));
    const privateKey = privateFromDer(cryptoKey_fromBase64url(made.private, 'private'));
    return {
      publicKey: options.publicKeyEncoding ? publicKey.export(options.publicKeyEncoding) : publicKey,
      privateKey: options.privateKeyEncoding ? privateKey.export(options.privateKeyEncoding) : privateKey,
    };
  }

  function generateKeyPair(type, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    node_validateFunction(callback, 'callback');
    let pair;
    try {
      pair = generateKeyPairSync(type, options);
    } catch (error) {
      node_require('process').nextTick(callback, error);
      return;
    }
    node_require('process').nextTick(callback, null, pair.publicKey, pair.privateKey);
  }

  return [
    { KeyObject, createSecretKey, createPublicKey, createPrivateKey, generateKeyPair, generateKeyPairSync },
    { KeyObject, partsOf, createPrivateKey, createPublicKey, publicOf, derRead, derChildren, derEncode, slice },
  ];
}
