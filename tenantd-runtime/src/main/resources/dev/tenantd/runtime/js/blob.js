// Blob and File per the File API. Bytes live in memory as one Uint8Array that
// is never mutated, so slices share it.

// Shared with other files:
//   blobBytes(blob)     the blob's bytes, without a copy; callers must not mutate them
//   blobBytes_has(value) whether value is a Blob
//   blobType(blob)      its type
//   blobOfBytes(bytes, type)  a Blob that takes `bytes` (nobody else may hold them)
let blobBytes;
let blobType;
let blobBytes_has;

class Blob {
  #bytes;
  #type;

  constructor(blobParts = undefined, options = undefined) {
    const what = "Failed to construct 'Blob'";
    if (blobParts === blob_token) {
      this.#bytes = options.bytes;
      this.#type = options.type;
      return;
    }
    const parts = blobParts === undefined ? [] : blob_sequence(blobParts, what);
    const dict = blob_dictionary(options, what);
    const endings = blob_endings(dict.endings, what);
    const typeValue = dict.type;
    const type = typeValue === undefined ? '' : webIdlToString(typeValue, 'type');
    this.#bytes = blob_processParts(parts, endings);
    this.#type = blob_normalizeType(type);
  }

  static {
    blobBytes = (blob) => {
      if (blob === null || typeof blob !== 'object' || !(#bytes in blob)) {
        throw new TypeError("The provided value is not of type 'Blob'.");
      }
      return blob.#bytes;
    };
    blobType = (blob) => blob.#type;
    blobBytes_has = (value) => value !== null && typeof value === 'object' && #bytes in value;
  }

  get size() {
    return TypedArrayPrototypeGetLength(this.#bytes);
  }

  get type() {
    return this.#type;
  }

  slice(start = undefined, end = undefined, contentType = undefined) {
    const bytes = this.#bytes;
    const size = TypedArrayPrototypeGetLength(bytes);
    let relativeStart = 0;
    if (start !== undefined) {
      const s = blob_clampLongLong(start);
      relativeStart = s < 0 ? MathMax(size + s, 0) : MathMin(s, size);
    }
    let relativeEnd = size;
    if (end !== undefined) {
      const e = blob_clampLongLong(end);
      relativeEnd = e < 0 ? MathMax(size + e, 0) : MathMin(e, size);
    }
    const type = contentType === undefined ? '' : blob_normalizeType(webIdlToString(contentType, 'contentType'));
    const span = MathMax(relativeEnd - relativeStart, 0);
    return new Blob(blob_token, { bytes: bytesView(bytes, relativeStart, relativeStart + span), type });
  }

  text() {
    try {
      return PromiseResolve(utf8Decode(this.#bytes));
    } catch (error) {
      return PromiseReject(error);
    }
  }

  arrayBuffer() {
    try {
      return PromiseResolve(TypedArrayPrototypeGetBuffer(new Uint8Array(this.#bytes)));
    } catch (error) {
      return PromiseReject(error);
    }
  }

  bytes() {
    try {
      return PromiseResolve(new Uint8Array(this.#bytes));
    } catch (error) {
      return PromiseReject(error);
    }
  }

  stream() {
    const bytes = this.#bytes;
    const size = TypedArrayPrototypeGetLength(bytes);
    let offset = 0;
    return streams_newReadable({
      type: 'bytes',
      pull(controller) {
        if (offset >= size) {
          streams_close(controller);
          return;
        }
        const end = MathMin(offset + blob_STREAM_CHUNK, size);
        // A copy: the stream transfers the chunk's buffer.
        streams_enqueue(controller, new Uint8Array(bytesView(bytes, offset, end)));
        offset = end;
        if (offset >= size) streams_close(controller);
      },
    }, undefined);
  }
}
webIdlClass(Blob);

const blob_token = Symbol('Blob');
const blob_STREAM_CHUNK = 65536;

function blob_dictionary(value, what) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw new TypeError(`${what}: The provided value is not of type 'BlobPropertyBag'.`);
  }
  return value;
}

// A sequence<BlobPart>: each part converted as it is taken (a string of anything but a Blob or
// a buffer), before the options are read, as Web IDL orders it.
function blob_sequence(value, what) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')
      || typeof value[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what}: The provided value cannot be converted to a sequence.`);
  }
  const parts = [];
  for (const part of value) {
    ArrayPrototypePush(parts, (part !== null && typeof part === 'object' && blobBytes_has(part)) || ArrayBufferIsView(part)
      || blob_isBuffer(part, blob_abByteLength) || blob_isBuffer(part, blob_sabByteLength)
      ? part : webIdlToString(part, 'BlobPart'));
  }
  return parts;
}

function blob_endings(value, what) {
  if (value === undefined) return 'transparent';
  const endings = webIdlToString(value, 'endings');
  if (endings !== 'transparent' && endings !== 'native') {
    throw new TypeError(`${what}: The provided value '${endings}' is not a valid enum value of type EndingType.`);
  }
  return endings;
}

// A type with anything outside U+0020..U+007E becomes empty; otherwise it is
// ASCII-lowercased.
function blob_normalizeType(type) {
  for (let i = 0; i < type.length; i++) {
    const c = StringPrototypeCharCodeAt(type, i);
    if (c < 0x20 || c > 0x7E) return '';
  }
  return StringPrototypeToLowerCase(type);
}

// [Clamp] long long: NaN is 0, values round half to even within range.
function blob_clampLongLong(value) {
  let n = Number(value);
  if (Number.isNaN(n)) return 0;
  const max = Number.MAX_SAFE_INTEGER;
  n = Math.min(Math.max(n, -max), max);
  const floor = Math.floor(n);
  const diff = n - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const blob_abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const blob_sabByteLength = typeof SharedArrayBuffer === 'function'
  ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get : null;

function blob_isBuffer(value, getter) {
  if (getter === null || value === null || typeof value !== 'object') return false;
  try {
    getter.call(value);
    return true;
  } catch {
    return false;
  }
}

function blob_processParts(parts, endings) {
  const chunks = [];
  let total = 0;
  for (const part of parts) {
    let bytes;
    if (part !== null && typeof part === 'object' && blobBytes_has(part)) {
      bytes = blobBytes(part);
    } else if (ArrayBufferIsView(part)) {
      bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength).slice();
    } else if (blob_isBuffer(part, blob_abByteLength) || blob_isBuffer(part, blob_sabByteLength)) {
      bytes = new Uint8Array(part).slice();
    } else {
      let string = webIdlToString(part, 'BlobPart');
      if (endings === 'native') string = string.replace(/\r\n|\r/g, '\n');
      bytes = utf8Encode(string);
    }
    chunks.push(bytes);
    total += bytes.length;
  }
  // Blob parts are already immutable and other parts were copied above, so a single chunk is kept as is.
  return concatBytes(chunks, total);
}

function blobOfBytes(bytes, type) {
  return new Blob(blob_token, { bytes, type: blob_normalizeType(type) });
}

class File extends Blob {
  #name;
  #lastModified;

  constructor(fileBits, fileName, options = undefined) {
    const what = "Failed to construct 'File'";
    requireArguments(arguments.length, 2, what);
    const parts = blob_sequence(fileBits, what);
    const dict = blob_dictionary(options, what);
    super(parts, dict);
    this.#name = webIdlToString(fileName, 'fileName');
    const lastModified = dict.lastModified;
    this.#lastModified = lastModified === undefined ? clock_now() : blob_toLongLong(lastModified);
  }

  get name() {
    return this.#name;
  }

  get lastModified() {
    return this.#lastModified;
  }

  get webkitRelativePath() {
    this.#name;
    return '';
  }
}
webIdlClass(File);

// long long conversion: non-finite is 0, otherwise truncated.
function blob_toLongLong(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  return Math.trunc(n);
}

defineGlobal('Blob', Blob);
defineGlobal('File', File);
