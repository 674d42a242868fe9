// TextEncoder and TextDecoder per the Encoding Standard (every encoding it names:
// UTF-8 and UTF-16 here, the single-byte ones from encoding-tables.js, the multi-byte
// legacy ones on the host), plus the UTF-8 helpers other runtime files share. These
// run on the request path, so decoders write code units into a reused
// Uint16Array and turn it into strings in chunks instead of char by char.

// Code units turned into a string per String.fromCharCode call; well under
// V8's argument limits.
const enc_CHUNK = 8192;

// Number of UTF-8 bytes for `string` with lone surrogates counted as U+FFFD.
function enc_utf8Length(string) {
  const n = string.length;
  let length = n;
  for (let i = 0; i < n; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      length += 1;
    } else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
      const d = StringPrototypeCharCodeAt(string, i + 1);
      if (d >= 0xDC00 && d <= 0xDFFF) {
        // Two code units become four bytes.
        length += 2;
        i++;
      } else {
        length += 2;
      }
    } else {
      length += 2;
    }
  }
  return length;
}

// Writes UTF-8 for string[from..] into out[at..] while whole code points fit.
// Returns { read: codeUnitsRead, written: bytesWritten }.
function enc_utf8Write(string, from, out, at) {
  const n = string.length;
  const end = TypedArrayPrototypeGetLength(out);
  let i = from;
  let o = at;
  while (i < n) {
    let c = StringPrototypeCharCodeAt(string, i);
    if (c < 0x80) {
      if (o >= end) break;
      out[o++] = c;
      i++;
      continue;
    }
    if (c < 0x800) {
      if (o + 2 > end) break;
      out[o++] = 0xC0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3F);
      i++;
      continue;
    }
    let units = 1;
    if (c >= 0xD800 && c <= 0xDFFF) {
      const d = c <= 0xDBFF && i + 1 < n ? StringPrototypeCharCodeAt(string, i + 1) : 0;
      if (d >= 0xDC00 && d <= 0xDFFF) {
        if (o + 4 > end) break;
        const cp = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        out[o++] = 0xF0 | (cp >> 18);
        out[o++] = 0x80 | ((cp >> 12) & 0x3F);
        out[o++] = 0x80 | ((cp >> 6) & 0x3F);
        out[o++] = 0x80 | (cp & 0x3F);
        i += 2;
        continue;
      }
      c = 0xFFFD;
      units = 1;
    }
    if (o + 3 > end) break;
    out[o++] = 0xE0 | (c >> 12);
    out[o++] = 0x80 | ((c >> 6) & 0x3F);
    out[o++] = 0x80 | (c & 0x3F);
    i += units;
  }
  return { read: i - from, written: o - at };
}

// Shared: UTF-8 encoding of a string (lone surrogates become U+FFFD).
function utf8Encode(string) {
  string = String(string);
  const out = new Uint8Array(enc_utf8Length(string));
  enc_utf8Write(string, 0, out, 0);
  return out;
}

// Turns units[0..length) into a string, appending to `prefix`.
function enc_unitsToString(units, length, prefix) {
  let result = prefix;
  for (let i = 0; i < length; i += enc_CHUNK) {
    const j = MathMin(i + enc_CHUNK, length);
    result += ReflectApply(StringFromCharCode, null, TypedArrayPrototypeSubarray(units, i, j));
  }
  return result;
}

// Scratch output buffer: each decoder call fills it and flushes when full. With no
// constructor of its own to look up, its subarrays are always Uint16Arrays. Made on
// the first decode (64 KB that isolates which never decode would otherwise hold).
let enc_scratch = null;
const enc_FLUSH_AT = enc_CHUNK * 4;

function enc_scratchBuffer() {
  if (enc_scratch === null) {
    const scratch = new Uint16Array(enc_FLUSH_AT + 8);
    ObjectDefineProperty(scratch, 'constructor', { value: undefined });
    enc_scratch = scratch;
  }
  return enc_scratch;
}

function enc_decodeError(fatal) {
  if (fatal) throw new TypeError("Failed to execute 'decode' on 'TextDecoder': The encoded data was not valid.");
  return 0xFFFD;
}

// UTF-8 decoder of the Encoding Standard. `state` holds the pending partial
// sequence between streaming calls: {cp, needed, seen, lower, upper}.
function enc_utf8DecodeInto(bytes, state, fatal, flush) {
  const out = enc_scratchBuffer();
  let result = '';
  let o = 0;
  let cp = state.cp;
  let needed = state.needed;
  let seen = state.seen;
  let lower = state.lower;
  let upper = state.upper;
  const n = TypedArrayPrototypeGetLength(bytes);
  let i = 0;
  while (i < n) {
    if (o >= enc_FLUSH_AT) {
      result = enc_unitsToString(out, o, result);
      o = 0;
    }
    const b = bytes[i];
    if (needed === 0) {
      if (b < 0x80) {
        out[o++] = b;
        i++;
        // Fast path for runs of ASCII.
        while (i < n && o < enc_FLUSH_AT) {
          const a = bytes[i];
          if (a >= 0x80) break;
          out[o++] = a;
          i++;
        }
        continue;
      }
      i++;
      if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
        cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b === 0xE0) lower = 0xA0;
        else if (b === 0xED) upper = 0x9F;
        needed = 2;
        cp = b & 0xF;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b === 0xF0) lower = 0x90;
        else if (b === 0xF4) upper = 0x8F;
        needed = 3;
        cp = b & 0x7;
      } else {
        out[o++] = enc_decodeError(fatal);
      }
      continue;
    }
    if (b < lower || b > upper) {
      // The byte is not consumed: it starts over after the error.
      cp = needed = seen = 0;
      lower = 0x80;
      upper = 0xBF;
      out[o++] = enc_decodeError(fatal);
      continue;
    }
    i++;
    lower = 0x80;
    upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen !== needed) continue;
    if (cp >= 0x10000) {
      out[o++] = 0xD800 + ((cp - 0x10000) >> 10);
      out[o++] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
    } else {
      out[o++] = cp;
    }
    cp = needed = seen = 0;
  }
  if (flush && needed !== 0) {
    cp = needed = seen = 0;
    lower = 0x80;
    upper = 0xBF;
    out[o++] = enc_decodeError(fatal);
  }
  state.cp = cp;
  state.needed = needed;
  state.seen = seen;
  state.lower = lower;
  state.upper = upper;
  return enc_unitsToString(out, o, result);
}

function enc_newUtf8State() {
  return { cp: 0, needed: 0, seen: 0, lower: 0x80, upper: 0xBF };
}

// Shared: UTF-8 decode (replacement mode) with a leading BOM removed, as
// TextDecoder does by default.
function utf8Decode(bytes) {
  const string = enc_utf8DecodeInto(bytes, enc_newUtf8State(), false, true);
  return StringPrototypeCharCodeAt(string, 0) === 0xFEFF ? StringPrototypeSlice(string, 1) : string;
}

// UTF-16 decoder of the Encoding Standard; state: {lead, surrogate}, with -1
// meaning none.
function enc_utf16DecodeInto(bytes, state, fatal, flush, bigEndian) {
  const out = enc_scratchBuffer();
  let result = '';
  let o = 0;
  let lead = state.lead;
  let surrogate = state.surrogate;
  const n = TypedArrayPrototypeGetLength(bytes);
  for (let i = 0; i < n; i++) {
    if (o >= enc_FLUSH_AT) {
      result = enc_unitsToString(out, o, result);
      o = 0;
    }
    if (lead < 0) {
      lead = bytes[i];
      continue;
    }
    const unit = bigEndian ? (lead << 8) | bytes[i] : (bytes[i] << 8) | lead;
    lead = -1;
    if (surrogate >= 0) {
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        out[o++] = surrogate;
        out[o++] = unit;
        surrogate = -1;
        continue;
      }
      surrogate = -1;
      out[o++] = enc_decodeError(fatal);
      // The code unit is processed again below.
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      surrogate = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      out[o++] = enc_decodeError(fatal);
    } else {
      out[o++] = unit;
    }
  }
  if (flush && (lead >= 0 || surrogate >= 0)) {
    lead = surrogate = -1;
    out[o++] = enc_decodeError(fatal);
  }
  state.lead = lead;
  state.surrogate = surrogate;
  return enc_unitsToString(out, o, result);
}

// Single-byte decoders: bytes below 0x80 are ASCII, the rest come from the encoding's
// table in encoding-tables.js (U+FFFD where the standard has no code point: an error).
// A table becomes a Uint16Array the first time its encoding decodes.
const enc_singleByteUnits = new SafeMap();

function enc_singleByteUnitsOf(name) {
  let units = enc_singleByteUnits.get(name);
  if (units === undefined) {
    const table = lazy_load('encodings').enc_singleByteTable[name === 'ISO-8859-8-I' ? 'ISO-8859-8' : name];
    units = new Uint16Array(128);
    for (let i = 0; i < 128; i++) units[i] = StringPrototypeCharCodeAt(table, i);
    enc_singleByteUnits.set(name, units);
  }
  return units;
}

function enc_singleByteDecode(bytes, name, fatal) {
  const table = enc_singleByteUnitsOf(name);
  const out = enc_scratchBuffer();
  let result = '';
  let o = 0;
  const n = TypedArrayPrototypeGetLength(bytes);
  for (let i = 0; i < n; i++) {
    if (o >= enc_FLUSH_AT) {
      result = enc_unitsToString(out, o, result);
      o = 0;
    }
    const b = bytes[i];
    if (b < 0x80) {
      out[o++] = b;
      continue;
    }
    const unit = table[b - 0x80];
    out[o++] = unit === 0xFFFD ? enc_decodeError(fatal) : unit;
  }
  return enc_unitsToString(out, o, result);
}

// Shared with the HTML rewriter: windows-1252's code points of bytes 0x80..0x9F, and its decoder.
function enc_windows1252() {
  return TypedArrayPrototypeSubarray(enc_singleByteUnitsOf('windows-1252'), 0, 32);
}

function enc_windows1252Decode(bytes) {
  return enc_singleByteDecode(bytes, 'windows-1252', false);
}

// x-user-defined: bytes 0x80..0xFF are U+F780..U+F7FF.
function enc_userDefinedDecode(bytes) {
  const out = enc_scratchBuffer();
  let result = '';
  let o = 0;
  const n = TypedArrayPrototypeGetLength(bytes);
  for (let i = 0; i < n; i++) {
    if (o >= enc_FLUSH_AT) {
      result = enc_unitsToString(out, o, result);
      o = 0;
    }
    const b = bytes[i];
    out[o++] = b < 0x80 ? b : 0xF780 + b - 0x80;
  }
  return enc_unitsToString(out, o, result);
}

// Multi-byte legacy encodings decode on the host, one call per chunk; state.pending holds
// the bytes the host gave back for the next chunk (a sequence the last one left incomplete),
// state.mode the state it starts in (ISO-2022-JP's mode and output flag).
const enc_multiByte = new SafeMap();
for (const name of ['gbk', 'gb18030', 'big5', 'euc-jp', 'iso-2022-jp', 'shift_jis', 'euc-kr']) enc_multiByte.set(name, true);

// The host decodes at most this many bytes a call: each call's copies on the host stay small,
// whatever the size of the input.
const enc_HOST_WINDOW = 1048576;

function enc_multiByteDecode(bytes, name, state, fatal, flush) {
  const length = TypedArrayPrototypeGetLength(bytes);
  if (length <= enc_HOST_WINDOW) return enc_multiByteWindow(bytes, name, state, fatal, flush);
  let text = '';
  for (let at = 0; at < length; at += enc_HOST_WINDOW) {
    const end = at + enc_HOST_WINDOW < length ? at + enc_HOST_WINDOW : length;
    text += enc_multiByteWindow(TypedArrayPrototypeSubarray(bytes, at, end), name, state, fatal,
      end === length ? flush : false);
  }
  return text;
}

function enc_multiByteWindow(bytes, name, state, fatal, flush) {
  let input = bytes;
  const pending = state.pending;
  if (pending !== null) {
    input = new Uint8Array(TypedArrayPrototypeGetLength(pending) + TypedArrayPrototypeGetLength(bytes));
    TypedArrayPrototypeSet(input, pending, 0);
    TypedArrayPrototypeSet(input, bytes, TypedArrayPrototypeGetLength(pending));
  }
  state.pending = null;
  const length = TypedArrayPrototypeGetLength(input);
  if (length === 0) return '';
  // The decoded string takes about two bytes per input byte on the heap: room is made first,
  // and what it took is counted, as for any allocation.
  memory_request(length * 2);
  const answer = host.textDecode(name, bodyToHost(input), fatal, flush, state.mode);
  if (answer === -1) return enc_decodeError(true);
  if (typeof answer !== 'string') {
    throw new RangeError(`Failed to execute 'decode' on 'TextDecoder': the input (${length} bytes) is too large to decode within the worker's memory limit.`);
  }
  state.mode = StringPrototypeCharCodeAt(answer, 0);
  const carried = StringPrototypeCharCodeAt(answer, 1);
  if (carried > 0) {
    const pendingBytes = new Uint8Array(carried);
    for (let i = 0; i < carried; i++) pendingBytes[i] = StringPrototypeCharCodeAt(answer, 2 + i);
    state.pending = pendingBytes;
  }
  memory_count(answer.length * 2);
  return StringPrototypeSlice(answer, 2 + carried);
}

// Labels to encodings (lowercase names), and lowercase names to the names the
// single-byte tables are found under: built from the [encodings] part the first time a
// label other than UTF-8's is looked up, so most isolates never hold the tables.
let enc_labels = null;
let enc_singleByteNames = null;

function enc_loadLabels() {
  const { enc_labelTable, enc_singleByteTable } = lazy_load('encodings');
  const labels = new SafeMap();
  for (const name of ObjectKeys(enc_labelTable)) {
    const lower = StringPrototypeToLowerCase(name);
    const names = enc_labelTable[name];
    for (let i = 0; i < names.length; i++) labels.set(names[i], lower);
  }
  const singleByteNames = new SafeMap();
  for (const name of ObjectKeys(enc_singleByteTable)) singleByteNames.set(StringPrototypeToLowerCase(name), name);
  singleByteNames.set('iso-8859-8-i', 'ISO-8859-8-I');
  enc_singleByteNames = singleByteNames;
  enc_labels = labels;
}

// The encoding (lowercase name) of a label, or undefined.
function enc_encodingOf(label) {
  const normalized = enc_normalizeLabel(label);
  if (normalized === 'utf-8' || normalized === 'utf8') return 'utf-8';
  if (enc_labels === null) enc_loadLabels();
  return enc_labels.get(normalized);
}

// Bytes of an AllowSharedBufferSource, without copying.
function enc_bufferSourceBytes(input, what) {
  if (ArrayBufferIsView(input)) return viewBytes(input);
  if (isArrayBuffer(input) || enc_isSharedArrayBuffer(input)) {
    return new Uint8Array(input);
  }
  throw new TypeError(`${what}: The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.`);
}

const enc_sabByteLength = typeof SharedArrayBuffer === 'function'
  ? ObjectGetOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get : null;

function enc_isSharedArrayBuffer(value) {
  if (enc_sabByteLength === null || value === null || typeof value !== 'object') return false;
  try {
    ReflectApply(enc_sabByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

// The label without leading and trailing ASCII whitespace, lowercased.
function enc_normalizeLabel(label) {
  const isSpace = (c) => c === 0x09 || c === 0x0A || c === 0x0C || c === 0x0D || c === 0x20;
  let start = 0;
  let end = label.length;
  while (start < end && isSpace(StringPrototypeCharCodeAt(label, start))) start++;
  while (end > start && isSpace(StringPrototypeCharCodeAt(label, end - 1))) end--;
  return StringPrototypeToLowerCase(StringPrototypeSlice(label, start, end));
}

function enc_dictionary(value, what) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw new TypeError(`${what}: The provided value is not of type 'object'.`);
  }
  return value;
}

class TextEncoder {
  // Brand for the methods; reading it from another object throws TypeError.
  #brand = true;

  get encoding() {
    this.#brand;
    return 'utf-8';
  }

  encode(input = '') {
    this.#brand;
    return utf8Encode(webIdlToString(input, 'TextEncoder.encode'));
  }

  encodeInto(source, destination) {
    this.#brand;
    requireArguments(arguments.length, 2, "Failed to execute 'encodeInto' on 'TextEncoder'");
    source = webIdlToString(source, 'TextEncoder.encodeInto');
    if (!isUint8Array(destination)) {
      throw new TypeError(
        "Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
    }
    const { read, written } = enc_utf8Write(source, 0, destination, 0);
    return { read, written };
  }
}
webIdlClass(TextEncoder);

class TextDecoder {
  #encoding;
  #fatal;
  #ignoreBOM;
  #bomSeen = false;
  #streaming = false;
  #state = null;

  constructor(label = 'utf-8', options = undefined) {
    label = webIdlToString(label, 'TextDecoder label');
    const dict = enc_dictionary(options, "Failed to construct 'TextDecoder'");
    const fatal = !!dict.fatal;
    const ignoreBOM = !!dict.ignoreBOM;
    const name = enc_encodingOf(label);
    // The replacement encoding has labels but is never a TextDecoder's.
    if (name === undefined || name === 'replacement') {
      throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${label}') is invalid.`);
    }
    this.#encoding = name;
    this.#fatal = fatal;
    this.#ignoreBOM = ignoreBOM;
  }

  get encoding() { return this.#encoding; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }

  decode(input = undefined, options = undefined) {
    const encoding = this.#encoding;
    const bytes = input === undefined
      ? new Uint8Array(0)
      : enc_bufferSourceBytes(input, "Failed to execute 'decode' on 'TextDecoder'");
    const stream = !!enc_dictionary(options, "Failed to execute 'decode' on 'TextDecoder'").stream;
    if (!this.#streaming) {
      this.#state = null;
      this.#bomSeen = false;
    }
    this.#streaming = stream;
    let output;
    try {
      if (encoding === 'utf-8') {
        this.#state ??= enc_newUtf8State();
        output = enc_utf8DecodeInto(bytes, this.#state, this.#fatal, !stream);
      } else if (encoding === 'utf-16le' || encoding === 'utf-16be') {
        this.#state ??= { lead: -1, surrogate: -1 };
        output = enc_utf16DecodeInto(bytes, this.#state, this.#fatal, !stream, encoding === 'utf-16be');
      } else if (enc_multiByte.has(encoding)) {
        this.#state ??= { pending: null, mode: 0 };
        return enc_multiByteDecode(bytes, encoding, this.#state, this.#fatal, !stream);
      } else if (encoding === 'x-user-defined') {
        return enc_userDefinedDecode(bytes);
      } else {
        return enc_singleByteDecode(bytes, enc_singleByteNames.get(encoding), this.#fatal);
      }
    } catch (error) {
      // A fatal error ends the stream: the next call starts afresh.
      this.#streaming = false;
      throw error;
    }
    if (!this.#ignoreBOM && !this.#bomSeen && output.length > 0) {
      this.#bomSeen = true;
      if (StringPrototypeCharCodeAt(output, 0) === 0xFEFF) output = StringPrototypeSlice(output, 1);
    }
    return output;
  }
}
webIdlClass(TextDecoder);

defineGlobal('TextEncoder', TextEncoder);
defineGlobal('TextDecoder', TextDecoder);
