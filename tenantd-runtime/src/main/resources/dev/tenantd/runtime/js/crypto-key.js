// CryptoKey and what SubtleCrypto's key operations (crypto-subtle.js) share: algorithm
// normalization, key usages, JWK and base64url helpers, the `crypto` host call.
//
// A key's material stays in this isolate, in a private field of its CryptoKey: raw bytes
// for secret keys, PKCS #8 for private and SPKI for public keys. It crosses to the host
// only for the length of one operation (see dev.tenantd.runtime.crypto.SubtleHost), so a
// key can neither outlive its isolate nor be named from another one.
//
// Shared with crypto-subtle.js:
//   cryptoKey_new(type, extractable, alg, usages, material)   a CryptoKey
//   cryptoKey_parts(value)     { type, extractable, alg, usages, material } or TypeError
//   cryptoKey_normalize(op, algorithm)        the normalized algorithm record
//   cryptoKey_usages(list, allowed, name, what) usages in canonical order, or SyntaxError
//   cryptoKey_host(operation, params, key, data, extra1, extra2)
//   cryptoKey_bytes(value, what)  a BufferSource's bytes, copied

const cryptoKey_USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey'];
const cryptoKey_HASHES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
const cryptoKey_CURVES = ['P-256', 'P-384', 'P-521'];

// Which algorithms each operation knows, by their canonical names (matched without
// regard to ASCII case). 'get key length' is the spec's step inside deriveKey.
const cryptoKey_SIGNERS = ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'ECDSA', 'HMAC', 'Ed25519', 'NODE-ED25519'];
const cryptoKey_CIPHERS = ['RSA-OAEP', 'AES-CTR', 'AES-CBC', 'AES-GCM'];
const cryptoKey_KEYED = ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP', 'ECDSA', 'ECDH', 'AES-CTR', 'AES-CBC', 'AES-GCM',
  'AES-KW', 'HMAC', 'Ed25519', 'X25519', 'NODE-ED25519'];
const cryptoKey_OPERATIONS = {
  __proto__: null,
  encrypt: cryptoKey_CIPHERS,
  decrypt: cryptoKey_CIPHERS,
  sign: cryptoKey_SIGNERS,
  verify: cryptoKey_SIGNERS,
  generateKey: cryptoKey_KEYED,
  importKey: [...cryptoKey_KEYED, 'HKDF', 'PBKDF2'],
  deriveBits: ['ECDH', 'X25519', 'HKDF', 'PBKDF2'],
  wrapKey: ['AES-KW'],
  unwrapKey: ['AES-KW'],
  'get key length': ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW', 'HMAC', 'HKDF', 'PBKDF2'],
};

let cryptoKey_parts;
const cryptoKey_token = Symbol('CryptoKey');

class CryptoKey {
  #parts;

  // As in Workers, usages, algorithm, extractable and type are read-only properties of the
  // instance itself (so JSON.stringify and spreading show them), and algorithm and usages
  // are new objects on every read: what a worker does to one changes nothing about the key.
  constructor(token, parts) {
    if (token !== cryptoKey_token) throw new TypeError('Illegal constructor');
    this.#parts = parts;
    ObjectDefineProperties(this, {
      usages: { get: () => copyList(parts.usages), enumerable: true },
      algorithm: { get: () => cryptoKey_exposeAlgorithm(parts.alg), enumerable: true },
      extractable: { get: () => parts.extractable, enumerable: true },
      type: { get: () => parts.type, enumerable: true },
    });
  }

  static {
    cryptoKey_parts = (value) => {
      if (value === null || typeof value !== 'object' || !(#parts in value)) {
        throw new TypeError("parameter is not of type 'CryptoKey'.");
      }
      return value.#parts;
    };
  }
}
webIdlClass(CryptoKey);
defineGlobal('CryptoKey', CryptoKey);

function cryptoKey_new(type, extractable, alg, usages, material) {
  return new CryptoKey(cryptoKey_token, ObjectFreeze({ type, extractable, alg, usages, material }));
}

function cryptoKey_exposeAlgorithm(alg) {
  const out = { name: alg.name };
  if (alg.modulusLength !== undefined) {
    out.modulusLength = alg.modulusLength;
    out.publicExponent = new Uint8Array(alg.publicExponent);
  }
  if (alg.hash !== undefined) out.hash = { name: alg.hash };
  if (alg.length !== undefined) out.length = alg.length;
  if (alg.namedCurve !== undefined) out.namedCurve = alg.namedCurve;
  return out;
}

function cryptoKey_bytes(value, what) {
  if (isArrayBuffer(value)) return new Uint8Array(new Uint8Array(value));
  if (ArrayBufferIsView(value)) return new Uint8Array(viewBytes(value));
  throw new TypeError(`${what} is not of type 'ArrayBuffer' or 'ArrayBufferView'.`);
}

// ---- algorithm normalization (Web Crypto, "normalize an algorithm")

function cryptoKey_canonical(name, known) {
  const upper = StringPrototypeToUpperCase(name);
  for (let i = 0; i < known.length; i++) {
    if (StringPrototypeToUpperCase(known[i]) === upper) return known[i];
  }
  return undefined;
}

function cryptoKey_normalize(op, algorithm) {
  let input = algorithm;
  if (typeof algorithm === 'string') {
    input = { name: algorithm };
  } else if (algorithm === null || typeof algorithm !== 'object') {
    throw new TypeError('Algorithm must be a string or an object with a name.');
  }
  if (input.name === undefined) throw new TypeError('Algorithm: name: Missing or not a string.');
  const given = webIdlToString(input.name, 'name');
  const name = cryptoKey_canonical(given, cryptoKey_OPERATIONS[op]);
  if (name === undefined) {
    throw domException(`Unrecognized or unimplemented algorithm "${given}" requested for ${op}.`, 'NotSupportedError');
  }
  const alg = { __proto__: null, name };
  const read = (member, convert, required) => {
    const value = input[member];
    if (value === undefined) {
      if (required) throw new TypeError(`Missing field "${member}" in "algorithm".`);
      return;
    }
    alg[member] = convert(value, member);
  };
  const family = StringPrototypeSlice(name, 0, 4);
  switch (op) {
    case 'encrypt':
    case 'decrypt':
      if (name === 'RSA-OAEP') read('label', cryptoKey_bytesMember, false);
      if (name === 'AES-CBC') read('iv', cryptoKey_bytesMember, true);
      if (name === 'AES-GCM') {
        read('iv', cryptoKey_bytesMember, true);
        read('additionalData', cryptoKey_bytesMember, false);
        read('tagLength', cryptoKey_octet, false);
      }
      if (name === 'AES-CTR') {
        read('counter', cryptoKey_bytesMember, true);
        read('length', cryptoKey_octet, true);
      }
      break;
    case 'sign':
    case 'verify':
      if (name === 'ECDSA') read('hash', cryptoKey_hash, true);
      if (name === 'RSA-PSS') read('saltLength', cryptoKey_unsignedLong, true);
      break;
    case 'generateKey':
    case 'importKey':
      if (StringPrototypeStartsWith(name, 'RSA')) {
        read('hash', cryptoKey_hash, true);
        if (op === 'generateKey') {
          read('modulusLength', cryptoKey_unsignedLong, true);
          read('publicExponent', cryptoKey_bytesMember, true);
        }
      }
      if (name === 'ECDSA' || name === 'ECDH' || name === 'NODE-ED25519') read('namedCurve', cryptoKey_string, true);
      if (name === 'HMAC') {
        read('hash', cryptoKey_hash, true);
        read('length', cryptoKey_unsignedLong, false);
      }
      if (family === 'AES-' && op === 'generateKey') read('length', cryptoKey_unsignedShort, true);
      break;
    case 'get key length':
      if (family === 'AES-') read('length', cryptoKey_unsignedShort, true);
      if (name === 'HMAC') {
        read('hash', cryptoKey_hash, true);
        read('length', cryptoKey_unsignedLong, false);
      }
      break;
    case 'deriveBits':
      if (name === 'ECDH' || name === 'X25519') read('public', cryptoKey_publicMember, true);
      if (name === 'HKDF' || name === 'PBKDF2') {
        read('hash', cryptoKey_hash, true);
        read('salt', cryptoKey_bytesMember, true);
      }
      if (name === 'HKDF') read('info', cryptoKey_bytesMember, true);
      if (name === 'PBKDF2') read('iterations', cryptoKey_unsignedLong, true);
      break;
  }
  return alg;
}

function cryptoKey_hash(value) {
  const given = typeof value === 'string' ? value
    : value !== null && typeof value === 'object' && value.name !== undefined ? webIdlToString(value.name, 'hash')
      : undefined;
  if (given === undefined) throw new TypeError('Algorithm: hash: Missing or not a string.');
  const hash = cryptoKey_canonical(given, cryptoKey_HASHES);
  if (hash === undefined) throw domException(`Unrecognized or unimplemented hash algorithm "${given}" requested.`, 'NotSupportedError');
  return hash;
}

function cryptoKey_bytesMember(value, member) {
  return cryptoKey_bytes(value, `Algorithm: ${member}`);
}

function cryptoKey_string(value, member) {
  return webIdlToString(value, member);
}

function cryptoKey_publicMember(value) {
  cryptoKey_parts(value);
  return value;
}

// Web IDL [EnforceRange] integers.
function cryptoKey_integer(value, member, max) {
  const number = +value;
  if (!NumberIsFinite(number)) throw new TypeError(`Algorithm: ${member} is not a finite number.`);
  const integer = MathTrunc(number);
  if (integer < 0 || integer > max) throw new TypeError(`Algorithm: ${member} is outside the range 0 to ${max}.`);
  return integer;
}

const cryptoKey_octet = (value, member) => cryptoKey_integer(value, member, 255);
const cryptoKey_unsignedShort = (value, member) => cryptoKey_integer(value, member, 65535);
const cryptoKey_unsignedLong = (value, member) => cryptoKey_integer(value, member, 4294967295);

// ---- usages

// The usages a key may have, canonical order; an unknown or disallowed one is a SyntaxError.
function cryptoKey_usages(list, allowed, name, what) {
  const wanted = [];
  for (let i = 0; i < list.length; i++) {
    if (!ArrayPrototypeIncludes(allowed, list[i])) {
      throw domException(`Attempt to ${what} ${name} key with invalid usage "${list[i]}".`, 'SyntaxError');
    }
    if (!ArrayPrototypeIncludes(wanted, list[i])) ArrayPrototypePush(wanted, list[i]);
  }
  const ordered = [];
  for (let i = 0; i < cryptoKey_USAGES.length; i++) {
    if (ArrayPrototypeIncludes(wanted, cryptoKey_USAGES[i])) ArrayPrototypePush(ordered, cryptoKey_USAGES[i]);
  }
  return ordered;
}

// A sequence<DOMString> argument.
function cryptoKey_usageList(value) {
  if (value === null || typeof value !== 'object' || typeof value[SymbolIterator] !== 'function') {
    throw new TypeError("Failed to read the 'keyUsages' argument: it is not a sequence.");
  }
  const out = [];
  if (ArrayIsArray(value)) {
    // An array is read by index, as Workers do, not through an iterator the worker may have replaced.
    for (let i = 0; i < value.length; i++) ArrayPrototypePush(out, webIdlToString(value[i], 'keyUsages'));
  } else {
    for (const usage of value) ArrayPrototypePush(out, webIdlToString(usage, 'keyUsages'));
  }
  return out;
}

// Usages per algorithm and key type.
function cryptoKey_allowed(name, type) {
  switch (name) {
    case 'RSASSA-PKCS1-v1_5': case 'RSA-PSS': case 'ECDSA': case 'Ed25519': case 'NODE-ED25519':
      return type === 'private' ? ['sign'] : type === 'public' ? ['verify'] : ['sign', 'verify'];
    case 'RSA-OAEP':
      return type === 'private' ? ['decrypt', 'unwrapKey'] : type === 'public' ? ['encrypt', 'wrapKey']
        : ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'];
    case 'ECDH': case 'X25519':
      return type === 'public' ? [] : ['deriveKey', 'deriveBits'];
    case 'AES-KW':
      return ['wrapKey', 'unwrapKey'];
    case 'HMAC':
      return ['sign', 'verify'];
    case 'HKDF': case 'PBKDF2':
      return ['deriveKey', 'deriveBits'];
    default:
      return ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'];
  }
}

// ---- the host call

// Runs one operation on the host. `params` values never hold a line break: they are
// canonical names, integers and base64url text.
// The longest parameter text: an RSA key of 16,384 bits as a JWK takes 13 KB. A longer one
// would be copied a few times over onto the heap every isolate shares before it is refused.
const cryptoKey_MAX_PARAMS = 65536;

function cryptoKey_host(operation, params, key, data, extra1, extra2) {
  let text = '';
  const names = ObjectKeys(params);
  for (let i = 0; i < names.length; i++) {
    const value = params[names[i]];
    if (value === undefined) continue;
    // Made text once: a value's own toString could answer differently the second time.
    const valueText = `${value}`;
    // Every value is checked before it gets here; a line break would still forge a parameter.
    if (StringPrototypeIncludes(valueText, '\n')) throw new TypeError(`Invalid ${names[i]}.`);
    // The name, '=' and the line break count too: the host measures the whole text.
    if (text.length + names[i].length + valueText.length + 2 > cryptoKey_MAX_PARAMS) {
      throw domException(`The ${names[i]} parameter is too long: the parameters of an operation take at most `
        + `${cryptoKey_MAX_PARAMS} characters together.`, 'DataError');
    }
    text += `${names[i]}=${valueText}\n`;
  }
  const result = host.crypto(operation, text, cryptoKey_toHost(key), cryptoKey_toHost(data),
    cryptoKey_toHost(extra1), cryptoKey_toHost(extra2));
  if (typeof result !== 'string') return result;
  if (StringPrototypeStartsWith(result, '\0')) {
    const at = StringPrototypeIndexOf(result, '\0', 1);
    const name = StringPrototypeSlice(result, 1, at);
    const message = StringPrototypeSlice(result, at + 1);
    throw name === 'TypeError' ? new TypeError(message) : domException(message, name);
  }
  const lines = { __proto__: null };
  let from = 0;
  while (from < result.length) {
    const end = StringPrototypeIndexOf(result, '\n', from);
    const eq = StringPrototypeIndexOf(result, '=', from);
    lines[StringPrototypeSlice(result, from, eq)] = StringPrototypeSlice(result, eq + 1, end);
    from = end + 1;
  }
  return lines;
}

function cryptoKey_toHost(bytes) {
  return bytes === undefined || bytes === null ? null : bodyToHost(bytes);
}

// ---- base64url (RFC 4648, section 5, without padding: JWK's form)
// Written out here with index loops: the shared base64 helpers call built-ins a worker can replace.

const cryptoKey_B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function cryptoKey_fromBase64url(text, member) {
  const invalid = () => domException(`The JWK member "${member}" is not valid base64url.`, 'DataError');
  if (typeof text !== 'string') throw invalid();
  const out = new Uint8Array((text.length * 3) >> 2);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  // Like Workers, the standard alphabet's + and / are taken for - and _, and padding is ignored.
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end--;
  for (let i = 0; i < end; i++) {
    const c = text[i];
    const value = StringPrototypeIndexOf(cryptoKey_B64URL, c === '+' ? '-' : c === '/' ? '_' : c);
    if (value < 0) throw invalid();
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  if (bits >= 6) throw invalid(); // a lone trailing character carries no whole byte
  return TypedArrayPrototypeSubarray(out, 0, at);
}

function cryptoKey_toBase64url(bytes) {
  const length = TypedArrayPrototypeGetLength(bytes);
  let out = '';
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += cryptoKey_B64URL[v >> 18] + cryptoKey_B64URL[(v >> 12) & 63] + cryptoKey_B64URL[(v >> 6) & 63] + cryptoKey_B64URL[v & 63];
  }
  if (i < length) {
    const v = (bytes[i] << 16) | (i + 1 < length ? bytes[i + 1] << 8 : 0);
    out += cryptoKey_B64URL[v >> 18] + cryptoKey_B64URL[(v >> 12) & 63];
    if (i + 1 < length) out += cryptoKey_B64URL[(v >> 6) & 63];
  }
  return out;
}

// A base64url JWK member checked for the host: it must be a string of the alphabet.
function cryptoKey_jwkMember(jwk, member, required) {
  const value = jwk[member];
  if (value === undefined) {
    if (required) throw domException(`The JWK lacks the member "${member}".`, 'DataError');
    return undefined;
  }
  // Sent in its canonical form: the host reads strict base64url, whatever spelling came in.
  return cryptoKey_toBase64url(cryptoKey_fromBase64url(value, member));
}
