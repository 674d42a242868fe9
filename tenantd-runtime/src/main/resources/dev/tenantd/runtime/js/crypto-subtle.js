// SubtleCrypto's key operations (W3C Web Crypto, with Cloudflare Workers' behaviour where
// the two differ): the checks the spec makes before any cryptography happen here, the
// cryptography on the host. crypto.js's SubtleCrypto methods call these; they are the
// [subtle] part of bootstrap.txt, loaded the first time a worker calls one of them.

const subtle_JWK_HASH = { __proto__: null, 'SHA-1': '1', 'SHA-256': '256', 'SHA-384': '384', 'SHA-512': '512' };
const subtle_EC_JWK_ALG = { __proto__: null, 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const subtle_HMAC_BLOCK = { __proto__: null, 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
const subtle_FORMATS = ['raw', 'pkcs8', 'spki', 'jwk'];

// The name the host knows an algorithm by: Workers' legacy NODE-ED25519 is Ed25519.
function subtle_hostName(name) {
  return name === 'NODE-ED25519' ? 'Ed25519' : name;
}

function subtle_isAsymmetric(name) {
  return !StringPrototypeStartsWith(name, 'AES') && name !== 'HMAC' && name !== 'HKDF' && name !== 'PBKDF2';
}

// The key must be for the algorithm named and allow this usage (InvalidAccessError otherwise).
// As in Workers, this is checked before the algorithm's parameters are read, so a key used
// with another algorithm's name is an InvalidAccessError whether or not that name exists.
function subtle_checkKey(algorithm, key, usage) {
  if (typeof algorithm !== 'string' && (algorithm === null || typeof algorithm !== 'object')) {
    throw new TypeError('Algorithm must be a string or an object with a name.');
  }
  const parts = cryptoKey_parts(key);
  const given = typeof algorithm === 'string' ? algorithm
    : algorithm.name === undefined ? '' : webIdlToString(algorithm.name, 'name');
  if (StringPrototypeToUpperCase(given) !== StringPrototypeToUpperCase(parts.alg.name)) {
    throw domException(`Requested algorithm "${given}" does not match this CryptoKey's algorithm "${parts.alg.name}".`,
      'InvalidAccessError');
  }
  if (!ArrayPrototypeIncludes(parts.usages, usage)) {
    throw domException(`Requested key usage "${usage}" does not match any usage listed in this CryptoKey.`,
      'InvalidAccessError');
  }
  return parts;
}

function subtle_requireType(parts, type, what) {
  if (parts.type !== type) throw domException(`${what} requires a ${type} key.`, 'InvalidAccessError');
}

// ---- sign, verify

async function subtle_sign(algorithm, key, data) {
  const bytes = cryptoKey_bytes(data, 'data');
  const parts = subtle_checkKey(algorithm, key, 'sign');
  const alg = cryptoKey_normalize('sign', algorithm);
  if (parts.alg.name !== 'HMAC') subtle_requireType(parts, 'private', 'Asymmetric signing');
  return cryptoKey_host('sign', subtle_signParams(alg, parts), parts.material, bytes);
}

async function subtle_verify(algorithm, key, signature, data) {
  const signatureBytes = cryptoKey_bytes(signature, 'signature');
  const bytes = cryptoKey_bytes(data, 'data');
  const parts = subtle_checkKey(algorithm, key, 'verify');
  const alg = cryptoKey_normalize('verify', algorithm);
  if (parts.alg.name !== 'HMAC') subtle_requireType(parts, 'public', 'Asymmetric verification');
  if (subtle_hostName(parts.alg.name) === 'Ed25519' && TypedArrayPrototypeGetLength(signatureBytes) !== 64) {
    throw domException(`Invalid ${parts.alg.name} signature length ${TypedArrayPrototypeGetLength(signatureBytes)}.`,
      'OperationError');
  }
  const verdict = cryptoKey_host('verify', subtle_signParams(alg, parts), parts.material, bytes, signatureBytes);
  return memory_fromHost(verdict)[0] === 1;
}

function subtle_signParams(alg, parts) {
  return {
    alg: subtle_hostName(parts.alg.name),
    // ECDSA names its hash per call; RSA and HMAC keys carry theirs.
    hash: alg.hash ?? parts.alg.hash,
    saltLength: alg.saltLength,
  };
}

// ---- encrypt, decrypt (and the wrapping of wrapKey / unwrapKey)

async function subtle_encrypt(algorithm, key, data) {
  const bytes = cryptoKey_bytes(data, 'data');
  const parts = subtle_checkKey(algorithm, key, 'encrypt');
  return subtle_cipher('encrypt', cryptoKey_normalize('encrypt', algorithm), parts, bytes);
}

async function subtle_decrypt(algorithm, key, data) {
  const bytes = cryptoKey_bytes(data, 'data');
  const parts = subtle_checkKey(algorithm, key, 'decrypt');
  return subtle_cipher('decrypt', cryptoKey_normalize('decrypt', algorithm), parts, bytes);
}

function subtle_cipher(operation, alg, parts, bytes) {
  const name = parts.alg.name;
  if (name === 'RSA-OAEP') {
    subtle_requireType(parts, operation === 'encrypt' ? 'public' : 'private', `RSA-OAEP ${operation}ion`);
    return cryptoKey_host(operation, { alg: name, hash: parts.alg.hash }, parts.material, bytes, alg.label);
  }
  if (name === 'AES-GCM') {
    const tagLength = alg.tagLength ?? 128;
    if (!ArrayPrototypeIncludes([32, 64, 96, 104, 112, 120, 128], tagLength)) {
      throw domException(`Invalid AES-GCM tag length ${tagLength}.`, 'OperationError');
    }
    return cryptoKey_host(operation, { alg: name, tagLength }, parts.material, bytes, alg.iv, alg.additionalData);
  }
  if (name === 'AES-CTR') {
    if (alg.length === 0 || alg.length > 128) {
      throw domException(`Invalid AES-CTR counter length ${alg.length}: it must be between 1 and 128.`, 'OperationError');
    }
    return cryptoKey_host(operation, { alg: name, length: alg.length }, parts.material, bytes, alg.counter);
  }
  return cryptoKey_host(operation, { alg: name }, parts.material, bytes, alg.iv);
}

// ---- generateKey

async function subtle_generateKey(algorithm, extractable, keyUsages) {
  const alg = cryptoKey_normalize('generateKey', algorithm);
  const usages = cryptoKey_usageList(keyUsages);
  const name = alg.name;
  cryptoKey_usages(usages, cryptoKey_allowed(name, 'both'), name, 'generate');
  if (!subtle_isAsymmetric(name)) {
    const keyAlg = { name };
    let bits;
    if (name === 'HMAC') {
      keyAlg.hash = alg.hash;
      bits = alg.length ?? subtle_HMAC_BLOCK[alg.hash];
      if (bits === 0) throw domException('HMAC key length must be a non-zero unsigned long integer.', 'OperationError');
    } else {
      bits = alg.length;
      if (bits !== 128 && bits !== 192 && bits !== 256) {
        throw domException(`AES key length must be 128, 192 or 256 bits but ${bits} was given.`, 'OperationError');
      }
    }
    keyAlg.length = bits;
    if (usages.length === 0) throw domException('Secret/private CryptoKeys must have at least one usage.', 'SyntaxError');
    const material = subtle_random((bits + 7) >> 3);
    return cryptoKey_new('secret', !!extractable, keyAlg, cryptoKey_usages(usages, cryptoKey_allowed(name), name, 'generate'), material);
  }
  const keyAlg = subtle_asymmetricAlgorithm(alg);
  const params = { alg: subtle_hostName(name), namedCurve: keyAlg.namedCurve, modulusLength: alg.modulusLength };
  if (alg.publicExponent !== undefined) params.publicExponent = cryptoKey_toBase64url(alg.publicExponent);
  const privateUsages = subtle_usagesFor(usages, cryptoKey_allowed(name, 'private'), name);
  const publicUsages = subtle_usagesFor(usages, cryptoKey_allowed(name, 'public'), name);
  // Checked before the work, as generating an RSA key takes long; but after the parameters, as
  // the spec has it (an unusable exponent is an OperationError whatever the usages).
  if (privateUsages.length === 0) {
    if (params.modulusLength !== undefined) cryptoKey_host('generate', { ...params, checkOnly: '1' });
    throw domException('Attempt to generate asymmetric keys with no valid private key usages.', 'SyntaxError');
  }
  const made = cryptoKey_host('generate', params);
  if (made.modulusLength !== undefined) {
    keyAlg.modulusLength = +made.modulusLength;
    keyAlg.publicExponent = cryptoKey_fromBase64url(made.publicExponent, 'publicExponent');
  }
  return {
    publicKey: cryptoKey_new('public', true, keyAlg, publicUsages,
      cryptoKey_fromBase64url(made.public, 'public')),
    privateKey: cryptoKey_new('private', !!extractable, keyAlg, privateUsages, cryptoKey_fromBase64url(made.private, 'private')),
  };
}

// Of the usages asked for a key pair, those one of its keys takes.
function subtle_usagesFor(usages, allowed, name) {
  const taken = [];
  for (let i = 0; i < usages.length; i++) {
    if (ArrayPrototypeIncludes(allowed, usages[i])) ArrayPrototypePush(taken, usages[i]);
  }
  return cryptoKey_usages(taken, allowed, name, 'generate');
}

// The key algorithm record of an asymmetric key, before the host fills in RSA's numbers.
function subtle_asymmetricAlgorithm(alg) {
  const name = alg.name;
  const keyAlg = { name };
  if (StringPrototypeStartsWith(name, 'RSA')) keyAlg.hash = alg.hash;
  if (name === 'ECDSA' || name === 'ECDH') {
    if (!ArrayPrototypeIncludes(cryptoKey_CURVES, alg.namedCurve)) {
      throw domException(`Unrecognized or unimplemented EC curve "${alg.namedCurve}" requested.`, 'NotSupportedError');
    }
    keyAlg.namedCurve = alg.namedCurve;
  }
  if (name === 'NODE-ED25519') {
    if (alg.namedCurve !== 'NODE-ED25519') {
      throw domException(`EDDSA curve "${alg.namedCurve}" isn't supported.`, 'NotSupportedError');
    }
    keyAlg.namedCurve = 'NODE-ED25519';
  }
  return keyAlg;
}

function subtle_random(length) {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536) {
    TypedArrayPrototypeSet(out, memory_fromHost(host.randomBytes(MathMin(65536, length - at))), at);
  }
  return out;
}

// ---- deriveBits, deriveKey

async function subtle_deriveBits(algorithm, baseKey, length) {
  const bits = length === undefined || length === null ? null : cryptoKey_integer(length, 'length', 4294967295);
  const parts = subtle_checkKey(algorithm, baseKey, 'deriveBits');
  return subtle_derive(cryptoKey_normalize('deriveBits', algorithm), parts, bits);
}

function subtle_derive(alg, parts, bits) {
  const name = parts.alg.name;
  if (name === 'ECDH' || name === 'X25519') {
    subtle_requireType(parts, 'private', `${name} key derivation`);
    const peer = cryptoKey_parts(alg.public);
    if (peer.type !== 'public') throw domException(`${name} key derivation requires a public key as "public".`, 'InvalidAccessError');
    if (peer.alg.name !== name) {
      throw domException(`The "public" key is a ${peer.alg.name} key, not a ${name} key.`, 'InvalidAccessError');
    }
    if (peer.alg.namedCurve !== parts.alg.namedCurve) {
      throw domException('The "public" key is on a different curve than the private key.', 'InvalidAccessError');
    }
    const secret = memory_fromHost(cryptoKey_host('deriveBits', { alg: name }, parts.material, null, peer.material));
    if (bits === null) return TypedArrayPrototypeGetBuffer(secret);
    if (bits > TypedArrayPrototypeGetLength(secret) * 8) {
      throw domException(`Derived bit length ${bits} is longer than the ${TypedArrayPrototypeGetLength(secret) * 8} bits ${name} gives.`,
        'OperationError');
    }
    const out = new Uint8Array(TypedArrayPrototypeSubarray(secret, 0, (bits + 7) >> 3));
    if (bits % 8 !== 0) out[out.length - 1] &= (0xff << (8 - (bits % 8))) & 0xff;
    return TypedArrayPrototypeGetBuffer(out);
  }
  if (bits === null) throw domException(`${name} requires a length to derive.`, 'OperationError');
  if (bits % 8 !== 0) throw domException(`${name} derives a whole number of bytes: ${bits} is not a multiple of 8.`, 'OperationError');
  if (bits === 0) return new ArrayBuffer(0);
  const params = { alg: name, hash: alg.hash, length: bits, iterations: alg.iterations };
  if (name === 'PBKDF2' && alg.iterations === 0) throw domException('PBKDF2 requires iterations to be greater than 0.', 'OperationError');
  return cryptoKey_host('deriveBits', params, parts.material, null, alg.salt, alg.info);
}

async function subtle_deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
  const usages = cryptoKey_usageList(keyUsages);
  const parts = subtle_checkKey(algorithm, baseKey, 'deriveKey');
  const alg = cryptoKey_normalize('deriveBits', algorithm);
  const derived = cryptoKey_normalize('importKey', derivedKeyType);
  const lengthAlg = cryptoKey_normalize('get key length', derivedKeyType);
  let bits = null;
  if (StringPrototypeStartsWith(lengthAlg.name, 'AES')) {
    bits = lengthAlg.length;
    if (bits !== 128 && bits !== 192 && bits !== 256) {
      throw domException(`Derived AES key must be 128, 192, or 256 bits in length but provided ${bits}.`, 'OperationError');
    }
  } else if (lengthAlg.name === 'HMAC') {
    if (lengthAlg.length === 0) throw new TypeError('HMAC key length must be a non-zero unsigned long integer.');
    bits = lengthAlg.length ?? subtle_HMAC_BLOCK[lengthAlg.hash];
  }
  const secret = subtle_derive(alg, parts, bits);
  return subtle_importNormalized('raw', new Uint8Array(secret), derived, !!extractable, usages);
}

// ---- importKey

async function subtle_importKey(format, keyData, algorithm, extractable, keyUsages) {
  const form = webIdlToString(format, 'format');
  let data;
  if (form === 'jwk') {
    if (keyData === null || typeof keyData !== 'object') {
      throw new TypeError('Import data provided for "jwk" import format must be a JsonWebKey.');
    }
    data = subtle_jwkDictionary(keyData);
  } else if (ArrayPrototypeIncludes(subtle_FORMATS, form)) {
    if (!isArrayBuffer(keyData) && !ArrayBufferIsView(keyData)) {
      throw new TypeError('Import data provided for "raw", "pkcs8", or "spki" import formats must be a buffer source.');
    }
    data = cryptoKey_bytes(keyData, 'keyData');
  } else {
    throw domException(`Unrecognized key import format "${form}".`, 'NotSupportedError');
  }
  const alg = cryptoKey_normalize('importKey', algorithm);
  const usages = cryptoKey_usageList(keyUsages);
  return subtle_importNormalized(form, data, alg, !!extractable, usages);
}

function subtle_importNormalized(form, data, alg, extractable, usages) {
  if (form === 'jwk' && data.ext === false && extractable) {
    throw domException(`JWK ext field for "${alg.name}" is set to false but extractable is true.`, 'DataError');
  }
  if (form === 'jwk' && data.key_ops !== undefined) {
    for (let i = 0; i < usages.length; i++) {
      if (!ArrayPrototypeIncludes(data.key_ops, usages[i])) {
        throw domException(`The JWK's key_ops do not allow the usage "${usages[i]}".`, 'DataError');
      }
    }
  }
  const key = subtle_isAsymmetric(alg.name) ? subtle_importAsymmetric(form, data, alg, extractable, usages)
    : subtle_importSecret(alg, form, data, extractable, usages);
  const parts = cryptoKey_parts(key);
  if (parts.type !== 'public' && parts.usages.length === 0) {
    throw domException('Secret/private CryptoKeys must have at least one usage.', 'SyntaxError');
  }
  return key;
}

// WebIDL's JsonWebKey dictionary: the members it knows, as strings (key_ops as a list).
function subtle_jwkDictionary(value) {
  const out = { __proto__: null };
  const members = ['kty', 'use', 'alg', 'crv', 'x', 'y', 'd', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
  for (let i = 0; i < members.length; i++) {
    const member = value[members[i]];
    if (member !== undefined) out[members[i]] = webIdlToString(member, members[i]);
  }
  if (value.ext !== undefined) out.ext = !!value.ext;
  if (value.key_ops !== undefined) {
    const ops = cryptoKey_usageList(value.key_ops);
    for (let i = 0; i < ops.length; i++) {
      if (ArrayPrototypeIndexOf(ops, ops[i]) !== i) throw domException(`The JWK's key_ops list "${ops[i]}" twice.`, 'DataError');
    }
    out.key_ops = ops;
  }
  if (value.oth !== undefined) throw domException('RSA JWKs with more than two primes are not supported.', 'NotSupportedError');
  if (out.kty === undefined) throw domException('The JWK lacks the member "kty".', 'DataError');
  return out;
}

function subtle_jwkCheck(jwk, kty, expectedAlg, use, usages) {
  if (jwk.kty !== kty) throw domException(`The JWK's "kty" must be "${kty}" for this algorithm, not "${jwk.kty}".`, 'DataError');
  if (jwk.alg !== undefined && expectedAlg !== undefined && !ArrayPrototypeIncludes(expectedAlg, jwk.alg)) {
    throw domException(`The JWK's "alg" "${jwk.alg}" does not fit the algorithm requested.`, 'DataError');
  }
  if (jwk.use !== undefined && usages.length > 0 && jwk.use !== use) {
    throw domException(`The JWK's "use" must be "${use}" for this algorithm.`, 'DataError');
  }
}

function subtle_importSecret(alg, form, data, extractable, usages) {
  const name = alg.name;
  const keyUsages = cryptoKey_usages(usages, cryptoKey_allowed(name), name, 'import secret');
  let material;
  if (form === 'raw') {
    material = data;
  } else if (form === 'jwk' && name !== 'HKDF' && name !== 'PBKDF2') {
    const length = data.k === undefined ? 0 : cryptoKey_fromBase64url(data.k, 'k').length * 8;
    const expected = name === 'HMAC' ? [`HS${subtle_JWK_HASH[alg.hash]}`] : [`A${length}${StringPrototypeSlice(name, 4)}`];
    subtle_jwkCheck(data, 'oct', expected, name === 'HMAC' ? 'sig' : 'enc', usages);
    material = cryptoKey_fromBase64url(cryptoKey_jwkMember(data, 'k', true), 'k');
  } else {
    throw domException(`${name} keys cannot be imported as ${form}.`, 'NotSupportedError');
  }
  const bits = TypedArrayPrototypeGetLength(material) * 8;
  const keyAlg = { name };
  if (name === 'HMAC') {
    if (bits === 0) throw domException('HMAC keys must not be empty.', 'DataError');
    if (alg.length !== undefined && (alg.length > bits || alg.length <= bits - 8)) {
      throw domException(`HMAC key length ${alg.length} does not fit a key of ${bits} bits.`, 'DataError');
    }
    keyAlg.hash = alg.hash;
    keyAlg.length = alg.length ?? bits;
  } else if (name === 'HKDF' || name === 'PBKDF2') {
    if (extractable) throw domException(`${name} keys cannot be extractable.`, 'SyntaxError');
  } else {
    if (bits !== 128 && bits !== 192 && bits !== 256) {
      throw domException(`Imported AES key length must be 128, 192, or 256 bits but provided ${bits}.`, 'DataError');
    }
    keyAlg.length = bits;
  }
  return cryptoKey_new('secret', extractable, keyAlg, keyUsages, material);
}

function subtle_importAsymmetric(form, data, alg, extractable, usages) {
  const name = alg.name;
  const keyAlg = subtle_asymmetricAlgorithm(alg);
  const params = { alg: subtle_hostName(name), format: form, namedCurve: keyAlg.namedCurve };
  let bytes = null;
  if (form === 'jwk') {
    subtle_importJwkParams(data, alg, keyAlg, usages, params);
  } else {
    if (form === 'raw' && StringPrototypeStartsWith(name, 'RSA')) {
      throw domException('RSA keys cannot be imported as raw.', 'NotSupportedError');
    }
    bytes = data;
  }
  // The usages a key of its type may have are known before the host parses it, except
  // for a JWK, whose type follows from whether it has "d".
  const type = form === 'pkcs8' || (form === 'jwk' && data.d !== undefined) ? 'private' : 'public';
  const keyUsages = cryptoKey_usages(usages, cryptoKey_allowed(name, type), name, `import ${type}`);
  const made = cryptoKey_host('import', params, bytes);
  if (made.modulusLength !== undefined) {
    keyAlg.modulusLength = +made.modulusLength;
    keyAlg.publicExponent = cryptoKey_fromBase64url(made.publicExponent, 'publicExponent');
  }
  return cryptoKey_new(made.type, extractable, keyAlg, keyUsages,
    cryptoKey_fromBase64url(made.material, 'material'));
}

function subtle_importJwkParams(jwk, alg, keyAlg, usages, params) {
  const name = alg.name;
  const members = [];
  if (StringPrototypeStartsWith(name, 'RSA')) {
    const suffix = subtle_JWK_HASH[alg.hash];
    const expected = name === 'RSASSA-PKCS1-v1_5' ? `RS${suffix}` : name === 'RSA-PSS' ? `PS${suffix}`
      : suffix === '1' ? 'RSA-OAEP' : `RSA-OAEP-${suffix}`;
    subtle_jwkCheck(jwk, 'RSA', [expected], name === 'RSA-OAEP' ? 'enc' : 'sig', usages);
    ArrayPrototypePush(members, 'n', 'e');
    if (jwk.d !== undefined) ArrayPrototypePush(members, 'd', 'p', 'q', 'dp', 'dq', 'qi');
  } else if (name === 'ECDSA' || name === 'ECDH') {
    subtle_jwkCheck(jwk, 'EC', name === 'ECDSA' ? [subtle_EC_JWK_ALG[keyAlg.namedCurve]] : undefined,
      name === 'ECDSA' ? 'sig' : 'enc', usages);
    if (jwk.crv !== keyAlg.namedCurve) {
      throw domException(`The JWK's "crv" "${jwk.crv}" is not the requested curve ${keyAlg.namedCurve}.`, 'DataError');
    }
    ArrayPrototypePush(members, 'x', 'y');
  } else {
    const curve = name === 'X25519' ? 'X25519' : 'Ed25519';
    subtle_jwkCheck(jwk, 'OKP', curve === 'Ed25519' ? ['EdDSA', 'Ed25519'] : undefined, curve === 'Ed25519' ? 'sig' : 'enc', usages);
    if (jwk.crv !== curve) throw domException(`The JWK's "crv" must be "${curve}" for ${name}.`, 'DataError');
    ArrayPrototypePush(members, 'x');
  }
  if (jwk.d !== undefined && !ArrayPrototypeIncludes(members, 'd')) ArrayPrototypePush(members, 'd');
  for (let i = 0; i < members.length; i++) params[members[i]] = cryptoKey_jwkMember(jwk, members[i], true);
}

// ---- exportKey

async function subtle_exportKey(format, key) {
  const form = webIdlToString(format, 'format');
  const parts = cryptoKey_parts(key);
  if (!ArrayPrototypeIncludes(subtle_FORMATS, form)) {
    throw domException(`Unrecognized key export format "${form}".`, 'NotSupportedError');
  }
  if (!parts.extractable) {
    throw domException(`Attempt to export non-extractable ${parts.alg.name} key.`, 'InvalidAccessError');
  }
  return subtle_export(form, parts);
}

function subtle_export(form, parts) {
  const name = parts.alg.name;
  if (!subtle_isAsymmetric(name)) {
    if (form === 'raw') return TypedArrayPrototypeGetBuffer(new Uint8Array(parts.material));
    if (form !== 'jwk') throw domException(`${name} keys cannot be exported as ${form}.`, 'NotSupportedError');
    const jwk = { kty: 'oct', k: cryptoKey_toBase64url(parts.material) };
    jwk.alg = name === 'HMAC' ? `HS${subtle_JWK_HASH[parts.alg.hash]}` : `A${parts.alg.length}${StringPrototypeSlice(name, 4)}`;
    return subtle_jwkCommon(jwk, parts);
  }
  if (form === 'pkcs8' && parts.type !== 'private') {
    throw domException('Only private keys can be exported as pkcs8.', 'InvalidAccessError');
  }
  if ((form === 'spki' || form === 'raw') && parts.type !== 'public') {
    throw domException(`Only public keys can be exported as ${form}.`, 'InvalidAccessError');
  }
  if (form === 'raw' && StringPrototypeStartsWith(name, 'RSA')) {
    throw domException('RSA keys cannot be exported as raw.', 'NotSupportedError');
  }
  const params = { alg: subtle_hostName(name), format: form, type: parts.type };
  const out = cryptoKey_host('export', params, parts.material);
  if (form !== 'jwk') return out;
  const jwk = {};
  if (StringPrototypeStartsWith(name, 'RSA')) {
    const suffix = subtle_JWK_HASH[parts.alg.hash];
    jwk.kty = 'RSA';
    jwk.alg = name === 'RSASSA-PKCS1-v1_5' ? `RS${suffix}` : name === 'RSA-PSS' ? `PS${suffix}`
      : suffix === '1' ? 'RSA-OAEP' : `RSA-OAEP-${suffix}`;
  } else if (name === 'ECDSA' || name === 'ECDH') {
    jwk.kty = 'EC';
    // As in Workers, an EC JWK names its curve but no "alg".
    jwk.crv = parts.alg.namedCurve;
  } else {
    jwk.kty = 'OKP';
    jwk.crv = name === 'X25519' ? 'X25519' : 'Ed25519';
    if (name !== 'X25519') jwk.alg = 'EdDSA';
  }
  const members = ObjectKeys(out);
  for (let i = 0; i < members.length; i++) jwk[members[i]] = out[members[i]];
  return subtle_jwkCommon(jwk, parts);
}

function subtle_jwkCommon(jwk, parts) {
  jwk.key_ops = copyList(parts.usages);
  jwk.ext = parts.extractable;
  return jwk;
}

// ---- wrapKey, unwrapKey

// wrapKey and unwrapKey take AES-KW, or any algorithm that encrypts.
function subtle_wrapAlgorithm(op, algorithm) {
  try {
    return cryptoKey_normalize(op, algorithm);
  } catch (e) {
    if (!(domException_isInstance(e) && e.name === 'NotSupportedError')) throw e;
    return cryptoKey_normalize(op === 'wrapKey' ? 'encrypt' : 'decrypt', algorithm);
  }
}

async function subtle_wrapKey(format, key, wrappingKey, wrapAlgorithm) {
  const form = webIdlToString(format, 'format');
  const wrapping = subtle_checkKey(wrapAlgorithm, wrappingKey, 'wrapKey');
  const alg = subtle_wrapAlgorithm('wrapKey', wrapAlgorithm);
  const parts = cryptoKey_parts(key);
  if (!ArrayPrototypeIncludes(subtle_FORMATS, form)) {
    throw domException(`Unrecognized key export format "${form}".`, 'NotSupportedError');
  }
  if (!parts.extractable) {
    throw domException(`Attempt to export non-extractable ${parts.alg.name} key.`, 'InvalidAccessError');
  }
  const exported = subtle_export(form, parts);
  const bytes = form === 'jwk' ? utf8Encode(JSONStringify(exported)) : new Uint8Array(exported);
  if (wrapping.alg.name === 'AES-KW') return cryptoKey_host('encrypt', { alg: 'AES-KW' }, wrapping.material, bytes);
  return subtle_cipher('encrypt', alg, wrapping, bytes);
}

async function subtle_unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm,
  extractable, keyUsages) {
  const form = webIdlToString(format, 'format');
  const wrapped = cryptoKey_bytes(wrappedKey, 'wrappedKey');
  const usages = cryptoKey_usageList(keyUsages);
  const unwrapping = subtle_checkKey(unwrapAlgorithm, unwrappingKey, 'unwrapKey');
  const alg = subtle_wrapAlgorithm('unwrapKey', unwrapAlgorithm);
  const keyAlg = cryptoKey_normalize('importKey', unwrappedKeyAlgorithm);
  if (!ArrayPrototypeIncludes(subtle_FORMATS, form)) {
    throw domException(`Unrecognized key import format "${form}".`, 'NotSupportedError');
  }
  const bytes = memory_fromHost(unwrapping.alg.name === 'AES-KW'
    ? cryptoKey_host('decrypt', { alg: 'AES-KW' }, unwrapping.material, wrapped)
    : subtle_cipher('decrypt', alg, unwrapping, wrapped));
  let data = bytes;
  if (form === 'jwk') {
    let parsed;
    try {
      parsed = JSONParse(utf8Decode(bytes));
    } catch {
      throw domException('The unwrapped key is not a JSON Web Key.', 'DataError');
    }
    if (parsed === null || typeof parsed !== 'object') throw domException('The unwrapped key is not a JSON Web Key.', 'DataError');
    data = subtle_jwkDictionary(parsed);
  }
  return subtle_importNormalized(form, data, keyAlg, !!extractable, usages);
}
