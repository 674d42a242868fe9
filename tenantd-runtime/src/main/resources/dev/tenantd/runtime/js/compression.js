// CompressionStream and DecompressionStream (Compression Streams standard, as Workers
// have them), and the codec behind bodies with a Content-Encoding. The host does the zlib
// work: JavaScript holds a number naming a stream in the host's table, hands it input, and
// reads its output back in pieces of at most 64 KiB, each counted against the memory limit
// before it is taken. Output is taken only while the readable side has less than 16 MiB
// waiting, so a small input that expands to gigabytes is produced as fast as it is read,
// never all at once. This file holds the classes and the host calls; the streams are the
// [compression] part of bootstrap.txt (compression-streams.js), loaded the first time an
// isolate makes one.
//
// Defines for others:
//   compression_open(format, direction, level, strict) -> handle; TypeError when refused
//       format 'gzip' | 'deflate' | 'deflate-raw', direction 'compress' | 'decompress',
//       level zlib's 0-9 or -1 (default), strict: trailing or missing input is an error
//       (true), is not (false), or 'node': node:zlib's rules and zlib's words for failures
//   compression_write(handle, bytes, flush)   bytes a Uint8Array; flush zlib's 0, 2, 3 or 4
//   compression_read(handle) -> Uint8Array (empty: write more) or null (no more output)
//   compression_close(handle)                 frees the host's stream; harmless twice
//   compression_processAll(format, direction, bytes, level, strict) -> Uint8Array
//       the whole output for the whole input, in one go (node:zlib's *Sync calls)
//   compression_decodingStream(format, feed, onCancel) -> ReadableStream of the decoded bytes, where
//     feed(write) is an async function that writes the encoded bytes in pieces with
//     `await write(bytes)`; it is started by the first read, and onCancel(reason) is
//     called when nobody reads on
//   compression_encodingStream(format, stream) -> ReadableStream of `stream`'s bytes compressed
// The host frees a stream when it fails, when the invocation that opened it ends, and when
// the isolate goes; a stream used after that fails with a TypeError.

const compression_FORMATS = ['gzip', 'deflate', 'deflate-raw'];
const compression_BAD_FORMAT = "The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.";
const compression_READ_BYTES = 64 * 1024;
const compression_FINISH = 4;
const compression_TransformStreamPrototype = globalThis.TransformStream.prototype;
const compression_TransformStream = globalThis.TransformStream;

function compression_open(format, direction, level, strict) {
  const handle = host.zlibOpen(format, direction, level, strict);
  if (typeof handle === 'string') throw new TypeError(handle);
  return handle;
}

function compression_write(handle, bytes, flush) {
  const problem = host.zlibWrite(handle, bodyToHost(bytes), flush);
  if (typeof problem === 'string') throw new TypeError(problem);
}

function compression_read(handle) {
  memory_request(compression_READ_BYTES);
  let out = host.zlibRead(handle);
  // true: the host stopped after a share of work with nothing to show yet; each call returns, so
  // the CPU limit can end a worker that keeps it going
  while (out === true) out = host.zlibRead(handle);
  if (out === null) return null;
  if (typeof out === 'string') throw new TypeError(out);
  const bytes = memory_fromHost(out);
  memory_count(TypedArrayPrototypeGetLength(bytes));
  return bytes;
}

function compression_close(handle) {
  host.zlibClose(handle);
}

function compression_processAll(format, direction, bytes, level = -1, strict = true) {
  const handle = compression_open(format, direction, level, strict);
  try {
    compression_write(handle, bytes, compression_FINISH);
    const chunks = [];
    let total = 0;
    for (;;) {
      const out = compression_read(handle);
      if (out === null) break;
      const length = TypedArrayPrototypeGetLength(out);
      if (length === 0) throw new TypeError('Called close() on a decompression stream with incomplete data');
      chunks[chunks.length] = out;
      total += length;
    }
    return chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks, total);
  } finally {
    compression_close(handle);
  }
}

// The Web IDL part of both classes' constructors; the streams come from the part.
function compression_streams(direction, format, what) {
  if (format === undefined) throw new TypeError(`${what}: constructor parameter 1 is not of type 'string'.`);
  const name = webIdlToString(format, 'format');
  if (!ArrayPrototypeIncludes(compression_FORMATS, name)) throw new TypeError(compression_BAD_FORMAT);
  const strict = direction === 'decompress' && worker_flags.strict_compression_checks !== false;
  return lazy_load('compression').compression_pair(name, direction, strict);
}

class CompressionStream {
  #readable;
  #writable;

  constructor(format) {
    const what = "Failed to construct 'CompressionStream'";
    const pair = compression_streams('compress', format, what);
    this.#readable = pair.readable;
    this.#writable = pair.writable;
  }

  get readable() {
    return this.#readable;
  }

  get writable() {
    return this.#writable;
  }
}

class DecompressionStream {
  #readable;
  #writable;

  constructor(format) {
    const what = "Failed to construct 'DecompressionStream'";
    const pair = compression_streams('decompress', format, what);
    this.#readable = pair.readable;
    this.#writable = pair.writable;
  }

  get readable() {
    return this.#readable;
  }

  get writable() {
    return this.#writable;
  }
}

// As in Workers, both are TransformStreams: instanceof holds, and the own accessors above
// answer for the readable and writable sides.
ObjectSetPrototypeOf(CompressionStream.prototype, compression_TransformStreamPrototype);
ObjectSetPrototypeOf(CompressionStream, compression_TransformStream);
ObjectSetPrototypeOf(DecompressionStream.prototype, compression_TransformStreamPrototype);
ObjectSetPrototypeOf(DecompressionStream, compression_TransformStream);
webIdlClass(CompressionStream);
webIdlClass(DecompressionStream);
defineGlobal('CompressionStream', CompressionStream);
defineGlobal('DecompressionStream', DecompressionStream);

// The decoded bytes of a body that arrived encoded (compression_decodingStream above).
function compression_decodingStream(format, feed, onCancel = null) {
  return lazy_load('compression').compression_decoding(format, feed, onCancel);
}

// A stream's bytes compressed as they are read (compression_encodingStream above).
function compression_encodingStream(format, stream) {
  return lazy_load('compression').compression_encoding(format, stream);
}
