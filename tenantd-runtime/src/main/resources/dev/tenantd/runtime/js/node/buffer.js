// node:buffer: Buffer (a Uint8Array with Node's encodings and binary read/write
// methods), Blob, File, atob, btoa and the module's constants.
//
// Shared: node_bufferEncode(string, encoding) -> Uint8Array,
//         node_bufferDecode(bytes, encoding) -> string,
//         node_normalizeEncoding(encoding) -> canonical name or undefined

const node_inspectCustom = Symbol.for('nodejs.util.inspect.custom');

function node_normalizeEncoding(encoding) {
  if (encoding === undefined || encoding === null || encoding === '') return 'utf8';
  switch (StringPrototypeToLowerCase(String(encoding))) {
    case 'utf8': case 'utf-8': return 'utf8';
    case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
    case 'latin1': case 'binary': return 'latin1';
    case 'base64': return 'base64';
    case 'base64url': return 'base64url';
    case 'hex': return 'hex';
    case 'ascii': return 'ascii';
    default: return undefined;
  }
}

function node_encodingOrThrow(encoding) {
  const normalized = node_normalizeEncoding(encoding);
  if (normalized === undefined) {
    throw node_error(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${String(encoding)}`);
  }
  return normalized;
}

const node_base64Chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const node_base64urlChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Node decodes base64 and base64url alike, skipping characters of neither alphabet.
const node_base64Values = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) {
    values[StringPrototypeCharCodeAt(node_base64Chars, i)] = i;
    values[StringPrototypeCharCodeAt(node_base64urlChars, i)] = i;
  }
  return values;
})();

function node_base64Decode(string) {
  const out = new Uint8Array((string.length * 3) >> 2);
  let length = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < string.length; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    if (c === 61) break;
    const v = c < 128 ? node_base64Values[c] : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (acc >> bits) & 255;
    }
  }
  return bytesView(out, 0, length);
}

function node_base64Encode(bytes, alphabet, pad) {
  // The engine's encoder where it has one: the standard alphabet padded, or base64url unpadded.
  const options = alphabet === node_base64Chars && pad ? b64_STANDARD
    : alphabet === node_base64urlChars && !pad ? b64_URL_UNPADDED : undefined;
  if (b64_native !== undefined && options !== undefined && TypedArrayPrototypeGetSymbolToStringTag(bytes) === 'Uint8Array') {
    return ReflectApply(b64_native, bytes, [options]);
  }
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + alphabet[(v >> 6) & 63] + alphabet[v & 63];
  }
  if (n - i === 1) {
    const v = bytes[i] << 16;
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + (pad ? '==' : '');
  } else if (n - i === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + alphabet[(v >> 6) & 63] + (pad ? '=' : '');
  }
  return out;
}

function node_hexValue(c) {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const node_utf8Encoder = new TextEncoder();
const node_utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function node_bufferEncode(string, encoding) {
  switch (encoding) {
    case 'utf8': return node_utf8Encoder.encode(string);
    case 'latin1': case 'ascii': {
      const out = new Uint8Array(string.length);
      for (let i = 0; i < string.length; i++) out[i] = StringPrototypeCharCodeAt(string, i) & 255;
      return out;
    }
    case 'utf16le': {
      const out = new Uint8Array(string.length * 2);
      for (let i = 0; i < string.length; i++) {
        const c = StringPrototypeCharCodeAt(string, i);
        out[i * 2] = c & 255;
        out[i * 2 + 1] = c >> 8;
      }
      return out;
    }
    case 'base64': case 'base64url': return node_base64Decode(string);
    case 'hex': {
      const out = new Uint8Array(string.length >> 1);
      let i = 0;
      for (; i < out.length; i++) {
        const hi = node_hexValue(StringPrototypeCharCodeAt(string, i * 2));
        const lo = node_hexValue(StringPrototypeCharCodeAt(string, i * 2 + 1));
        if (hi < 0 || lo < 0) break;
        out[i] = (hi << 4) | lo;
      }
      return bytesView(out, 0, i);
    }
    default: throw node_error(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
  }
}

function node_bytesToString(bytes, mask) {
  let out = '';
  const chunk = 8192;
  for (let i = 0; i < bytes.length; i += chunk) {
    const end = MathMin(bytes.length, i + chunk);
    const codes = [];
    for (let j = i; j < end; j++) codes[codes.length] = bytes[j] & mask;
    out += ReflectApply(StringFromCharCode, undefined, codes);
  }
  return out;
}

function node_bufferDecode(bytes, encoding) {
  switch (encoding) {
    case 'utf8': return node_utf8Decoder.decode(bytes);
    case 'latin1': return node_bytesToString(bytes, 255);
    case 'ascii': return node_bytesToString(bytes, 127);
    case 'utf16le': {
      let out = '';
      const chunk = 8192;
      const end = bytes.length - (bytes.length & 1);
      for (let i = 0; i < end; i += chunk * 2) {
        const codes = [];
        const stop = MathMin(end, i + chunk * 2);
        for (let j = i; j < stop; j += 2) codes[codes.length] = bytes[j] | (bytes[j + 1] << 8);
        out += ReflectApply(StringFromCharCode, undefined, codes);
      }
      return out;
    }
    case 'base64': return node_base64Encode(bytes, node_base64Chars, true);
    case 'base64url': return node_base64Encode(bytes, node_base64urlChars, false);
    case 'hex': {
      let out = '';
      for (let i = 0; i < bytes.length; i++) out += crypto_HEX[bytes[i] >> 4] + crypto_HEX[bytes[i] & 15];
      return out;
    }
    default: throw node_error(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
  }
}

function node_utf8Length(string) {
  let length = 0;
  for (let i = 0; i < string.length; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < string.length
      && (StringPrototypeCharCodeAt(string, i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

node_define('buffer', () => {
  const kMaxLength = 2 ** 32;
  const kStringMaxLength = 2 ** 29 - 24;
  let INSPECT_MAX_BYTES = 50;

  class FastBuffer extends Uint8Array {
    // eslint-disable-next-line no-useless-constructor
    constructor(bufferOrLength, byteOffset, length) {
      super(bufferOrLength, byteOffset, length);
    }
  }

  // Buffer(...) without `new` is deprecated in Node but still works; it makes the same as Buffer.from/alloc.
  function Buffer(arg, encodingOrOffset, length) {
    if (typeof arg === 'number') {
      if (typeof encodingOrOffset === 'string') {
        throw node_invalidArgType('string', 'of type string', arg);
      }
      return Buffer.alloc(arg);
    }
    return Buffer.from(arg, encodingOrOffset, length);
  }
  ObjectDefineProperty(Buffer, 'prototype', { value: FastBuffer.prototype, writable: false });
  ObjectDefineProperty(FastBuffer.prototype, 'constructor', { value: Buffer, writable: true, configurable: true });
  ObjectSetPrototypeOf(Buffer, Uint8Array);

  const wrap = (bytes) => new FastBuffer(TypedArrayPrototypeGetBuffer(bytes),
    TypedArrayPrototypeGetByteOffset(bytes), TypedArrayPrototypeGetLength(bytes));

  function validateSize(size) {
    if (typeof size !== 'number') throw node_invalidArgType('size', 'of type number', size);
    if (!(size >= 0 && size <= kMaxLength)) throw node_outOfRange('size', `>= 0 && <= ${kMaxLength}`, size);
  }

  function isInstance(value) {
    return value instanceof FastBuffer;
  }

  function toBytes(value, name) {
    if (ArrayBufferIsView(value)) return viewBytes(value);
    throw node_invalidArgType(name, 'an instance of Buffer or Uint8Array', value);
  }

  Buffer.poolSize = 8192;

  Buffer.alloc = function alloc(size, fill, encoding) {
    validateSize(size);
    const buffer = new FastBuffer(size);
    if (fill !== undefined && fill !== 0 && size > 0) buffer.fill(fill, 0, size, encoding);
    return buffer;
  };
  Buffer.allocUnsafe = function allocUnsafe(size) {
    validateSize(size);
    return new FastBuffer(size);
  };
  Buffer.allocUnsafeSlow = Buffer.allocUnsafe;

  Buffer.from = function from(value, encodingOrOffset, length) {
    if (typeof value === 'string') {
      return wrap(node_bufferEncode(value, node_encodingOrThrow(encodingOrOffset)));
    }
    if (value !== null && typeof value === 'object') {
      if (isArrayBuffer(value) || ObjectPrototypeToString(value) === '[object SharedArrayBuffer]') {
        const total = value.byteLength;
        const offset = encodingOrOffset === undefined ? 0 : +encodingOrOffset || 0;
        if (offset > total) throw node_error(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', '"offset" is outside of buffer bounds');
        const count = length === undefined ? total - offset : +length || 0;
        if (offset + count > total) throw node_error(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', '"length" is outside of buffer bounds');
        return new FastBuffer(value, offset, count);
      }
      if (ArrayBufferIsView(value)) {
        const copy = new FastBuffer(TypedArrayPrototypeGetSymbolToStringTag(value) === undefined
          ? value.byteLength : value.length);
        if (TypedArrayPrototypeGetSymbolToStringTag(value) === undefined) TypedArrayPrototypeSet(copy, viewBytes(value));
        else for (let i = 0; i < copy.length; i++) copy[i] = value[i];
        return copy;
      }
      const primitive = typeof value[Symbol.toPrimitive] === 'function' ? value[Symbol.toPrimitive]('string')
        : typeof value.valueOf === 'function' ? value.valueOf() : value;
      if (primitive !== value && primitive !== null && primitive !== undefined) {
        return Buffer.from(primitive, encodingOrOffset, length);
      }
      if (typeof value.length === 'number' || ArrayIsArray(value)) {
        const out = new FastBuffer(value.length >>> 0);
        for (let i = 0; i < out.length; i++) out[i] = value[i];
        return out;
      }
      if (value.type === 'Buffer' && ArrayIsArray(value.data)) return Buffer.from(value.data);
    }
    throw node_invalidArgType('first argument',
      'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object', value);
  };

  Buffer.of = function of(...items) {
    const out = new FastBuffer(items.length);
    for (let i = 0; i < items.length; i++) out[i] = items[i];
    return out;
  };

  Buffer.isBuffer = function isBuffer(value) {
    return isInstance(value);
  };

  Buffer.isEncoding = function isEncoding(encoding) {
    return typeof encoding === 'string' && encoding.length !== 0 && node_normalizeEncoding(encoding) !== undefined;
  };

  Buffer.byteLength = function byteLength(string, encoding) {
    if (typeof string !== 'string') {
      if (ArrayBufferIsView(string) || isArrayBuffer(string)) return string.byteLength;
      throw node_invalidArgType('string', 'of type string or an instance of Buffer or ArrayBuffer', string);
    }
    switch (node_normalizeEncoding(encoding) ?? 'utf8') {
      case 'utf8': return node_utf8Length(string);
      case 'utf16le': return string.length * 2;
      case 'latin1': case 'ascii': return string.length;
      case 'hex': return string.length >>> 1;
      default: {
        let n = string.length;
        while (n > 0 && StringPrototypeCharCodeAt(string, n - 1) === 61) n--;
        return (n * 3) >>> 2;
      }
    }
  };

  function compareBytes(a, b) {
    const n = MathMin(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }

  Buffer.compare = function compare(a, b) {
    if (!isUint8Array(a)) throw node_invalidArgType('buf1', 'an instance of Buffer or Uint8Array', a);
    if (!isUint8Array(b)) throw node_invalidArgType('buf2', 'an instance of Buffer or Uint8Array', b);
    return compareBytes(a, b);
  };

  Buffer.concat = function concat(list, totalLength) {
    if (!ArrayIsArray(list)) throw node_invalidArgType('list', 'an instance of Array', list);
    if (totalLength === undefined) {
      totalLength = 0;
      for (let i = 0; i < list.length; i++) {
        if (!isUint8Array(list[i])) {
          throw node_invalidArgType(`list[${i}]`, 'an instance of Buffer or Uint8Array', list[i]);
        }
        totalLength += list[i].length;
      }
    } else {
      validateSize(totalLength);
    }
    const out = new FastBuffer(totalLength);
    let at = 0;
    for (let i = 0; i < list.length && at < totalLength; i++) {
      if (!isUint8Array(list[i])) throw node_invalidArgType(`list[${i}]`, 'an instance of Buffer or Uint8Array', list[i]);
      const piece = list[i].length > totalLength - at ? bytesView(list[i], 0, totalLength - at) : list[i];
      TypedArrayPrototypeSet(out, piece, at);
      at += piece.length;
    }
    return out;
  };

  Buffer.copyBytesFrom = function copyBytesFrom(view, offset = 0, length = undefined) {
    const bytes = viewBytes(view);
    const size = bytes.length / (view.length || 1) || 1;
    const start = offset * size;
    const end = length === undefined ? bytes.length : MathMin(bytes.length, start + length * size);
    return Buffer.from(bytesView(bytes, MathMin(start, bytes.length), MathMax(end, MathMin(start, bytes.length))));
  };

  const proto = FastBuffer.prototype;

  function range(value, fallback, max) {
    if (value === undefined) return fallback;
    value = MathTrunc(+value) || 0;
    if (value < 0) return 0;
    return value > max ? max : value;
  }

  proto.toString = function toString(encoding, start, end) {
    if (arguments.length === 0) return node_utf8Decoder.decode(this);
    const length = this.length;
    start = range(start, 0, length);
    end = range(end, length, length);
    if (end <= start) return '';
    return node_bufferDecode(bytesView(this, start, end), node_encodingOrThrow(encoding));
  };
  proto.toLocaleString = proto.toString;

  proto.toJSON = function toJSON() {
    const data = [];
    for (let i = 0; i < this.length; i++) data[i] = this[i];
    return { type: 'Buffer', data };
  };

  proto.equals = function equals(other) {
    if (!isUint8Array(other)) throw node_invalidArgType('otherBuffer', 'an instance of Buffer or Uint8Array', other);
    return this.length === other.length && compareBytes(this, other) === 0;
  };

  proto.compare = function compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
    if (!isUint8Array(target)) throw node_invalidArgType('target', 'an instance of Buffer or Uint8Array', target);
    const t = bytesView(target, range(targetStart, 0, target.length), range(targetEnd, target.length, target.length));
    const s0 = range(sourceStart, 0, this.length);
    const s = bytesView(this, s0, MathMax(s0, range(sourceEnd, this.length, this.length)));
    return compareBytes(s, t.length < 0 ? new Uint8Array(0) : t);
  };

  proto.copy = function copy(target, targetStart, sourceStart, sourceEnd) {
    const bytes = toBytes(target, 'target');
    targetStart = range(targetStart, 0, bytes.length);
    sourceStart = range(sourceStart, 0, this.length);
    sourceEnd = range(sourceEnd, this.length, this.length);
    const count = MathMin(sourceEnd - sourceStart, bytes.length - targetStart);
    if (count <= 0) return 0;
    TypedArrayPrototypeSet(bytes, new Uint8Array(bytesView(this, sourceStart, sourceStart + count)), targetStart);
    return count;
  };

  function sliceIndex(value, length, fallback) {
    if (value === undefined) return fallback;
    value = MathTrunc(+value) || 0;
    if (value < 0) return MathMax(0, length + value);
    return MathMin(value, length);
  }

  proto.subarray = function subarray(start, end) {
    const length = this.length;
    const from = sliceIndex(start, length, 0);
    const to = MathMax(from, sliceIndex(end, length, length));
    return new FastBuffer(TypedArrayPrototypeGetBuffer(this), TypedArrayPrototypeGetByteOffset(this) + from, to - from);
  };
  // Unlike Uint8Array's, a Buffer's slice shares memory with the original.
  proto.slice = proto.subarray;

  proto.write = function write(string, offset, length, encoding) {
    node_validateString(string, 'string');
    if (typeof offset === 'string') {
      encoding = offset;
      offset = 0;
      length = this.length;
    } else if (typeof length === 'string') {
      encoding = length;
      length = undefined;
    }
    offset = offset === undefined ? 0 : offset >>> 0;
    if (offset > this.length) throw node_outOfRange('offset', `>= 0 && <= ${this.length}`, offset);
    const room = this.length - offset;
    length = length === undefined ? room : MathMin(room, length >>> 0);
    const enc = node_encodingOrThrow(encoding);
    let bytes = node_bufferEncode(string, enc);
    if (bytes.length > length) {
      let cut = length;
      // A UTF-8 character that does not fit is left out whole, as Node does.
      if (enc === 'utf8') while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
      if (enc === 'utf16le') cut -= cut & 1;
      bytes = bytesView(bytes, 0, cut);
    }
    TypedArrayPrototypeSet(this, bytes, offset);
    return bytes.length;
  };

  proto.fill = function fill(value, offset, end, encoding) {
    if (typeof offset === 'string') {
      encoding = offset;
      offset = 0;
      end = this.length;
    } else if (typeof end === 'string') {
      encoding = end;
      end = this.length;
    }
    offset = offset === undefined ? 0 : offset;
    end = end === undefined ? this.length : end;
    if (typeof offset !== 'number') throw node_invalidArgType('offset', 'of type number', offset);
    if (offset < 0 || offset > this.length) throw node_outOfRange('offset', `>= 0 && <= ${this.length}`, offset);
    if (end < 0 || end > this.length) throw node_outOfRange('end', `>= 0 && <= ${this.length}`, end);
    if (end <= offset) return this;
    let pattern;
    if (typeof value === 'string') {
      const enc = node_encodingOrThrow(encoding);
      if (value.length === 1 && enc === 'utf8' && StringPrototypeCharCodeAt(value, 0) < 128) {
        pattern = [StringPrototypeCharCodeAt(value, 0)];
      } else {
        pattern = node_bufferEncode(value, enc);
        if (pattern.length === 0) {
          if (value.length === 0) pattern = [0];
          else throw node_error(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'value' is invalid. Received '${value}'`);
        }
      }
    } else if (ArrayBufferIsView(value)) {
      pattern = viewBytes(value);
    } else if (typeof value === 'boolean') {
      pattern = [+value];
    } else {
      pattern = [(+value || 0) & 255];
    }
    if (pattern.length === 1) {
      node_TypedArrayPrototypeFill(this, pattern[0], offset, end);
    } else {
      for (let i = offset, j = 0; i < end; i++, j = (j + 1) % pattern.length) this[i] = pattern[j];
    }
    return this;
  };

  function search(buffer, value, byteOffset, encoding, forward) {
    if (typeof byteOffset === 'string') {
      encoding = byteOffset;
      byteOffset = undefined;
    }
    const length = buffer.length;
    let from;
    byteOffset = +byteOffset;
    if (byteOffset !== byteOffset) from = forward ? 0 : length; // NaN and undefined: the whole buffer
    else from = MathTrunc(byteOffset);
    if (from < 0) from = length + from;
    let needle;
    if (typeof value === 'number') needle = [value & 255];
    else if (typeof value === 'string') needle = node_bufferEncode(value, node_encodingOrThrow(encoding));
    else if (isUint8Array(value)) needle = value;
    else throw node_invalidArgType('value', 'one of type number or string or an instance of Buffer or Uint8Array', value);
    const n = needle.length;
    if (forward) {
      if (from < 0) from = 0;
      if (n === 0) return from <= length ? from : length;
      for (let i = from; i + n <= length; i++) {
        let j = 0;
        while (j < n && buffer[i + j] === needle[j]) j++;
        if (j === n) return i;
      }
      return -1;
    }
    if (from < 0) return -1;
    if (n === 0) return MathMin(from, length);
    for (let i = MathMin(from, length - n); i >= 0; i--) {
      let j = 0;
      while (j < n && buffer[i + j] === needle[j]) j++;
      if (j === n) return i;
    }
    return -1;
  }

  proto.indexOf = function indexOf(value, byteOffset, encoding) {
    return search(this, value, byteOffset, encoding, true);
  };
  proto.lastIndexOf = function lastIndexOf(value, byteOffset, encoding) {
    return search(this, value, byteOffset, encoding, false);
  };
  proto.includes = function includes(value, byteOffset, encoding) {
    return search(this, value, byteOffset, encoding, true) !== -1;
  };

  function swap(buffer, size) {
    if (buffer.length % size !== 0) {
      throw node_error(RangeError, 'ERR_INVALID_BUFFER_SIZE', `Buffer size must be a multiple of ${size * 8}-bits`);
    }
    for (let i = 0; i < buffer.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = buffer[a];
        buffer[a] = buffer[b];
        buffer[b] = t;
      }
    }
    return buffer;
  }
  proto.swap16 = function swap16() { return swap(this, 2); };
  proto.swap32 = function swap32() { return swap(this, 4); };
  proto.swap64 = function swap64() { return swap(this, 8); };

  function view(buffer) {
    return new DataView(TypedArrayPrototypeGetBuffer(buffer), TypedArrayPrototypeGetByteOffset(buffer),
      TypedArrayPrototypeGetLength(buffer));
  }

  function checkOffset(buffer, offset, size) {
    if (offset === undefined) offset = 0;
    if (typeof offset !== 'number') throw node_invalidArgType('offset', 'of type number', offset);
    if (!node_NumberIsInteger(offset)) throw node_outOfRange('offset', 'an integer', offset);
    if (buffer.length - size < 0) {
      throw node_error(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', 'Attempt to access memory outside buffer bounds');
    }
    if (offset < 0 || offset > buffer.length - size) {
      throw node_outOfRange('offset', `>= 0 and <= ${buffer.length - size}`, offset);
    }
    return offset;
  }

  function checkValue(value, min, max, size) {
    if (typeof value === 'bigint' ? false : typeof value !== 'number') {
      throw node_invalidArgType('value', 'of type number', value);
    }
    if (value > max || value < min) {
      let shown;
      if (typeof min === 'bigint') {
        const n = `${size * 8}`;
        shown = min === 0n ? `>= 0n and < 2n ** ${n}n` : `>= -(2n ** ${size * 8 - 1}n) and < 2n ** ${size * 8 - 1}n`;
      } else if (size > 4) {
        shown = min === 0 ? `>= 0 and < 2 ** ${size * 8}` : `>= -(2 ** ${size * 8 - 1}) and < 2 ** ${size * 8 - 1}`;
      } else {
        shown = `>= ${min} and <= ${max}`;
      }
      throw node_outOfRange('value', shown, typeof value === 'bigint' ? `${value}n` : value);
    }
  }

  // [name, size, DataView getter, setter, min, max]
  const fixed = [
    ['UInt8', 1, 'getUint8', 'setUint8', 0, 255],
    ['Int8', 1, 'getInt8', 'setInt8', -128, 127],
    ['UInt16', 2, 'getUint16', 'setUint16', 0, 0xffff],
    ['Int16', 2, 'getInt16', 'setInt16', -0x8000, 0x7fff],
    ['UInt32', 4, 'getUint32', 'setUint32', 0, 0xffffffff],
    ['Int32', 4, 'getInt32', 'setInt32', -0x80000000, 0x7fffffff],
    ['Float', 4, 'getFloat32', 'setFloat32', -Infinity, Infinity],
    ['Double', 8, 'getFloat64', 'setFloat64', -Infinity, Infinity],
    ['BigUInt64', 8, 'getBigUint64', 'setBigUint64', 0n, 2n ** 64n - 1n],
    ['BigInt64', 8, 'getBigInt64', 'setBigInt64', -(2n ** 63n), 2n ** 63n - 1n],
  ];
  for (let k = 0; k < fixed.length; k++) {
    const [name, size, getter, setter, min, max] = fixed[k];
    const get = DataView.prototype[getter];
    const set = DataView.prototype[setter];
    const bigint = typeof min === 'bigint';
    const endings = size === 1 ? [''] : ['LE', 'BE'];
    for (let e = 0; e < endings.length; e++) {
      const little = endings[e] === 'LE';
      const read = function (offset) {
        offset = checkOffset(this, offset, size);
        return ReflectApply(get, view(this), [offset, little]);
      };
      const write = function (value, offset) {
        if (bigint) {
          if (typeof value !== 'bigint') throw node_invalidArgType('value', 'of type bigint', value);
        }
        if (name !== 'Float' && name !== 'Double') checkValue(value, min, max, size);
        else if (typeof value !== 'number') value = +value;
        offset = checkOffset(this, offset, size);
        ReflectApply(set, view(this), [offset, value, little]);
        return offset + size;
      };
      const names = [name + endings[e]];
      if (StringPrototypeIncludes(name, 'UInt')) {
        names[1] = StringPrototypeSlice(name, 0, name.indexOf('UInt')) + 'Uint' + StringPrototypeSlice(name, name.indexOf('UInt') + 4) + endings[e];
      }
      for (let n = 0; n < names.length; n++) {
        ObjectDefineProperty(proto, `read${names[n]}`, { value: read, writable: true, configurable: true });
        ObjectDefineProperty(proto, `write${names[n]}`, { value: write, writable: true, configurable: true });
      }
    }
  }

  function checkByteLength(byteLength) {
    if (typeof byteLength !== 'number') throw node_invalidArgType('byteLength', 'of type number', byteLength);
    if (!(byteLength >= 1 && byteLength <= 6) || !node_NumberIsInteger(byteLength)) {
      throw node_outOfRange('byteLength', '>= 1 and <= 6', byteLength);
    }
  }

  function readVariable(buffer, offset, byteLength, little, signed) {
    checkByteLength(byteLength);
    offset = checkOffset(buffer, offset, byteLength);
    let value = 0;
    for (let i = 0; i < byteLength; i++) {
      const b = buffer[offset + (little ? byteLength - 1 - i : i)];
      value = value * 256 + b;
    }
    if (signed && value >= 2 ** (byteLength * 8 - 1)) value -= 2 ** (byteLength * 8);
    return value;
  }

  function writeVariable(buffer, value, offset, byteLength, little, signed) {
    checkByteLength(byteLength);
    const bits = byteLength * 8;
    const min = signed ? -(2 ** (bits - 1)) : 0;
    const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    if (typeof value !== 'number') throw node_invalidArgType('value', 'of type number', value);
    if (value < min || value > max) {
      throw node_outOfRange('value', byteLength > 4
        ? (signed ? `>= -(2 ** ${bits - 1}) and < 2 ** ${bits - 1}` : `>= 0 and < 2 ** ${bits}`)
        : `>= ${min} and <= ${max}`, value);
    }
    offset = checkOffset(buffer, offset, byteLength);
    let v = value < 0 ? value + 2 ** bits : value;
    for (let i = 0; i < byteLength; i++) {
      buffer[offset + (little ? i : byteLength - 1 - i)] = v % 256;
      v = MathFloor(v / 256);
    }
    return offset + byteLength;
  }

  const variable = { readUIntLE: [true, false], readUIntBE: [false, false], readIntLE: [true, true], readIntBE: [false, true] };
  const variableNames = ObjectKeys(variable);
  for (let i = 0; i < variableNames.length; i++) {
    const [little, signed] = variable[variableNames[i]];
    const read = function (offset, byteLength) { return readVariable(this, offset, byteLength, little, signed); };
    const write = function (value, offset, byteLength) {
      return writeVariable(this, value, offset, byteLength, little, signed);
    };
    const readName = variableNames[i];
    const writeName = `write${StringPrototypeSlice(readName, 4)}`;
    proto[readName] = read;
    proto[writeName] = write;
    if (StringPrototypeIncludes(readName, 'UInt')) {
      proto[StringPrototypeSlice(readName, 0, 4) + 'Uint' + StringPrototypeSlice(readName, 8)] = read;
      proto[StringPrototypeSlice(writeName, 0, 5) + 'Uint' + StringPrototypeSlice(writeName, 9)] = write;
    }
  }

  const encodingSlices = ['utf8', 'latin1', 'ascii', 'hex', 'base64', 'base64url', 'ucs2', 'utf16le'];
  for (let i = 0; i < encodingSlices.length; i++) {
    const encoding = encodingSlices[i];
    proto[`${encoding}Slice`] = function (start, end) { return this.toString(encoding, start, end); };
    proto[`${encoding}Write`] = function (string, offset, length) { return this.write(string, offset, length, encoding); };
  }

  ObjectDefineProperty(proto, 'parent', {
    get() { return isInstance(this) ? this.buffer : undefined; }, configurable: true, enumerable: true,
  });
  ObjectDefineProperty(proto, 'offset', {
    get() { return isInstance(this) ? this.byteOffset : undefined; }, configurable: true, enumerable: true,
  });

  proto[node_inspectCustom] = function inspect() {
    let shown = '';
    const max = MathMin(INSPECT_MAX_BYTES, this.length);
    for (let i = 0; i < max; i++) shown += (i ? ' ' : '') + crypto_HEX[this[i] >> 4] + crypto_HEX[this[i] & 15];
    const more = this.length - max;
    if (more > 0) shown += ` ... ${more} more byte${more > 1 ? 's' : ''}`;
    return `<${this.constructor.name} ${shown}>`.replace(' >', '>');
  };

  function SlowBuffer(size) {
    return Buffer.allocUnsafeSlow(size);
  }
  SlowBuffer.prototype = proto;

  function isUtf8(input) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(ArrayBufferIsView(input) ? input : new Uint8Array(input));
      return true;
    } catch {
      return false;
    }
  }

  function isAscii(input) {
    const bytes = ArrayBufferIsView(input) ? viewBytes(input) : new Uint8Array(input);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] > 127) return false;
    return true;
  }

  function transcode(source, fromEncoding, toEncoding) {
    if (!isUint8Array(source)) throw node_invalidArgType('source', 'an instance of Buffer or Uint8Array', source);
    const text = node_bufferDecode(source, node_encodingOrThrow(fromEncoding));
    return wrap(node_bufferEncode(text, node_encodingOrThrow(toEncoding)));
  }

  const module = {
    Buffer,
    SlowBuffer,
    kMaxLength,
    kStringMaxLength,
    constants: ObjectFreeze({ MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength }),
    Blob,
    File,
    atob,
    btoa,
    isUtf8,
    isAscii,
    transcode,
    resolveObjectURL: node_notImplemented('buffer.resolveObjectURL'),
  };
  ObjectDefineProperty(module, 'INSPECT_MAX_BYTES', {
    get() { return INSPECT_MAX_BYTES; },
    set(value) { INSPECT_MAX_BYTES = value; },
    enumerable: true,
  });
  return module;
});
