// atob and btoa per HTML (forgiving-base64), and the byte-level base64
// helpers other runtime files share.

const b64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64_encodeTable = new Uint8Array(64);
// Value of each ASCII code for decoding; -1 for characters outside the alphabet.
const b64_decodeTable = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  b64_encodeTable[i] = b64_ALPHABET.charCodeAt(i);
  b64_decodeTable[b64_ALPHABET.charCodeAt(i)] = i;
}
const b64_CHUNK = 8192;
// The engine's own encoder (Uint8Array.prototype.toBase64), taken before any worker code runs;
// its options are objects of their own properties only, so no getter of a worker's is read.
const b64_native = typeof Uint8Array.prototype.toBase64 === 'function' ? Uint8Array.prototype.toBase64 : undefined;
const b64_STANDARD = ObjectFreeze({ __proto__: null, alphabet: 'base64', omitPadding: false });
const b64_URL_UNPADDED = ObjectFreeze({ __proto__: null, alphabet: 'base64url', omitPadding: true });

// Shared: base64 (with padding) of a Uint8Array.
function base64Encode(bytes) {
  if (b64_native !== undefined) return ReflectApply(b64_native, bytes, [b64_STANDARD]);
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const table = b64_encodeTable;
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = table[v >> 18];
    out[o++] = table[(v >> 12) & 63];
    out[o++] = table[(v >> 6) & 63];
    out[o++] = table[v & 63];
  }
  if (i < n) {
    const v = (bytes[i] << 16) | (i + 1 < n ? bytes[i + 1] << 8 : 0);
    out[o++] = table[v >> 18];
    out[o++] = table[(v >> 12) & 63];
    out[o++] = i + 1 < n ? table[(v >> 6) & 63] : 61;
    out[o++] = 61;
  }
  return b64_latin1(out);
}

// String whose code units are the bytes.
function b64_latin1(bytes) {
  const n = TypedArrayPrototypeGetLength(bytes);
  let result = '';
  if (n <= 64) {
    for (let i = 0; i < n; i++) result += StringFromCharCode(bytes[i]);
    return result;
  }
  for (let i = 0; i < n; i += b64_CHUNK) {
    result += ReflectApply(StringFromCharCode, null, bytesView(bytes, i, MathMin(n, i + b64_CHUNK)));
  }
  return result;
}

// Forgiving-base64 decode; returns null on failure.
function b64_forgivingDecode(data) {
  // ASCII whitespace is removed first.
  if (/[\t\n\f\r ]/.test(data)) data = data.replace(/[\t\n\f\r ]+/g, '');
  let length = data.length;
  if (length % 4 === 0 && length > 0 && data.charCodeAt(length - 1) === 61) {
    length--;
    if (data.charCodeAt(length - 1) === 61) length--;
  }
  if (length % 4 === 1) return null;
  const out = new Uint8Array((length * 3) >> 2);
  const table = b64_decodeTable;
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < length; i++) {
    const c = data.charCodeAt(i);
    const v = c < 128 ? table[c] : -1;
    if (v < 0) return null;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xFF;
      buffer &= (1 << bits) - 1;
    }
  }
  return out;
}

// Shared: forgiving-base64 decode; throws InvalidCharacterError on bad input.
function base64Decode(string) {
  const bytes = b64_forgivingDecode(String(string));
  if (bytes === null) {
    throw domException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  }
  return bytes;
}

function atob(data) {
  requireArguments(arguments.length, 1, "Failed to execute 'atob'");
  const bytes = b64_forgivingDecode(webIdlToString(data, 'atob'));
  if (bytes === null) {
    throw domException(
      "Failed to execute 'atob': The string to be decoded is not correctly encoded.",
      'InvalidCharacterError');
  }
  return b64_latin1(bytes);
}

function btoa(data) {
  requireArguments(arguments.length, 1, "Failed to execute 'btoa'");
  data = webIdlToString(data, 'btoa');
  const n = data.length;
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = data.charCodeAt(i);
    if (c > 0xFF) {
      throw domException(
        "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.",
        'InvalidCharacterError');
    }
    bytes[i] = c;
  }
  return base64Encode(bytes);
}

defineGlobal('atob', atob);
defineGlobal('btoa', btoa);
