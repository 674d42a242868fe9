// node:zlib over the host's compression streams (compression.js): gzip, deflate (zlib
// format), deflate-raw and unzip (gzip or zlib, told apart by the first bytes), as *Sync
// calls, callback calls and node:stream Transforms, with Node's options, errors and
// crc32. The host has no Brotli: its functions throw ERR_METHOD_NOT_IMPLEMENTED.
//
// Decompression opens the host stream with Node's rules ('node'): gzip members are read
// one after the other, input that ends early fails with "unexpected end of file", and
// failures carry zlib's words, which become Node's Z_DATA_ERROR / Z_BUF_ERROR errors here.
// Output is taken from the host 64 KiB at a time, each piece counted against the memory
// limit before it exists, so a small input that expands without end stops at the limit
// (or sooner at maxOutputLength); a stream takes no more output while its reader lags.
//
// node_zlibFinish(module) (called by the stub table's finisher) puts all this into the
// module, whose export names and constants come from the table.

function node_zlibFinish(zlib) {
  const { Buffer, kMaxLength } = node_require('buffer');
  const { Transform } = node_require('stream');
  const { nextTick } = node_require('process');
  const constants = zlib.constants;
  const codes = zlib.codes;
  const Z_NO_FLUSH = 0;
  const Z_SYNC_FLUSH = 2;
  const Z_FULL_FLUSH = 3;
  const Z_FINISH = 4;
  // Node's flush modes -> the host's (which knows none, sync, full, finish).
  const hostFlush = [0, 2, 2, 3, 4, 2];
  // Words of the host that are not about the data (a closed stream, too many streams).
  const hostProblems = ['This compression stream', 'Too many compression streams', 'The flush mode',
    'The compression level'];

  // kind -> [host format or 'unzip', host direction]
  const kinds = {
    __proto__: null,
    Gzip: ['gzip', 'compress'],
    Gunzip: ['gzip', 'decompress'],
    Deflate: ['deflate', 'compress'],
    Inflate: ['deflate', 'decompress'],
    DeflateRaw: ['deflate-raw', 'compress'],
    InflateRaw: ['deflate-raw', 'decompress'],
    Unzip: ['unzip', 'decompress'],
  };

  // The host's refusals come as TypeErrors; those about the data become Node's zlib errors.
  function zlibError(error) {
    if (!(error instanceof TypeError)) return error;
    const message = error.message;
    for (let i = 0; i < hostProblems.length; i++) {
      if (StringPrototypeStartsWith(message, hostProblems[i])) return error;
    }
    const code = message === 'unexpected end of file' ? 'Z_BUF_ERROR' : 'Z_DATA_ERROR';
    const failure = new Error(message);
    failure.errno = codes[code];
    failure.code = code;
    return failure;
  }

  function tooLarge(max) {
    return node_error(RangeError, 'ERR_BUFFER_TOO_LARGE', `Cannot create a Buffer larger than ${max} bytes`);
  }

  function inputBytes(data, name) {
    if (typeof data === 'string') return node_bufferEncode(data, 'utf8');
    if (ArrayBufferIsView(data)) return viewBytes(data);
    if (isArrayBuffer(data)) return new Uint8Array(data);
    throw node_invalidArgType(name,
      'of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer', data);
  }

  function integerOption(options, name, min, max, fallback) {
    const value = options[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number') throw node_invalidArgType(`options.${name}`, 'of type number', value);
    if (!node_NumberIsInteger(value) && value !== Infinity) {
      throw node_outOfRange(`options.${name}`, 'an integer', value);
    }
    if (value < min || value > max) {
      throw node_outOfRange(`options.${name}`, max === Infinity ? `>= ${min}` : `>= ${min} and <= ${max}`, value);
    }
    return value;
  }

  // Node's checks of the zlib options; windowBits, memLevel, strategy and dictionary are
  // checked but do not change the output (the host uses zlib's defaults).
  function readOptions(options) {
    if (options === undefined || options === null) options = {};
    else node_validateObject(options, 'options');
    const parsed = {
      level: integerOption(options, 'level', -1, 9, -1),
      flush: integerOption(options, 'flush', 0, 5, Z_NO_FLUSH),
      finishFlush: integerOption(options, 'finishFlush', 0, 5, Z_FINISH),
      chunkSize: integerOption(options, 'chunkSize', 64, Infinity, 16 * 1024),
      maxOutputLength: integerOption(options, 'maxOutputLength', 1, kMaxLength, kMaxLength),
    };
    integerOption(options, 'windowBits', 0, 15, 15);
    integerOption(options, 'memLevel', 1, 9, 8);
    integerOption(options, 'strategy', 0, 4, 0);
    return parsed;
  }

  // The format of unzip's input: gzip when it starts with gzip's magic number.
  function unzipFormat(bytes) {
    return TypedArrayPrototypeGetLength(bytes) >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? 'gzip' : 'deflate';
  }

  function open(format, direction, level) {
    return compression_open(format, direction, direction === 'compress' ? level : -1,
      direction === 'compress' ? false : 'node');
  }

  function processSync(kind, data, options) {
    const bytes = inputBytes(data, 'buffer');
    const parsed = readOptions(options);
    const [named, direction] = kinds[kind];
    const format = named === 'unzip' ? unzipFormat(bytes) : named;
    const chunks = [];
    let total = 0;
    let handle;
    try {
      handle = open(format, direction, parsed.level);
      compression_write(handle, bytes, hostFlush[parsed.finishFlush]);
      for (;;) {
        const out = compression_read(handle);
        if (out === null) break;
        const length = TypedArrayPrototypeGetLength(out);
        // No output and no end: the input stopped short of a finish (finishFlush other than Z_FINISH).
        if (length === 0) break;
        total += length;
        if (total > parsed.maxOutputLength) throw tooLarge(parsed.maxOutputLength);
        chunks[chunks.length] = out;
      }
    } catch (error) {
      throw zlibError(error);
    } finally {
      if (handle !== undefined) compression_close(handle);
    }
    const result = Buffer.allocUnsafe(total);
    let at = 0;
    for (let i = 0; i < chunks.length; i++) {
      TypedArrayPrototypeSet(result, chunks[i], at);
      at += TypedArrayPrototypeGetLength(chunks[i]);
    }
    return result;
  }

  function processLater(kind, data, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = {};
    }
    node_validateFunction(callback, 'callback');
    nextTick(() => {
      let result;
      try {
        result = processSync(kind, data, options);
      } catch (error) {
        callback(error);
        return;
      }
      callback(null, result);
    });
  }

  // One zlib Transform: written bytes go to the host stream, its output is pushed as
  // Buffers. Output is taken only while the readable side wants more; otherwise the write
  // waits until it is read.
  function ZlibBase(kind, options) {
    const parsed = readOptions(options);
    Transform.call(this, options);
    this._kind = kind;
    this._options = parsed;
    this._handle = null;
    this._format = kinds[kind][0];
    this._direction = kinds[kind][1];
    this._flushes = [];
    this._resume = null;
    this._outBytes = 0;
    this.bytesWritten = 0;
    if (this._format !== 'unzip') this._handle = open(this._format, this._direction, parsed.level);
    this.once('close', () => this._closeHandle());
  }
  ObjectSetPrototypeOf(ZlibBase.prototype, Transform.prototype);
  ObjectSetPrototypeOf(ZlibBase, Transform);

  ZlibBase.prototype._closeHandle = function () {
    if (this._handle !== null) compression_close(this._handle);
    this._handle = null;
  };

  ZlibBase.prototype.close = function (callback) {
    if (callback) this.once('close', callback);
    this.destroy();
  };

  ZlibBase.prototype.flush = function (kind, callback) {
    if (typeof kind === 'function' || kind === undefined) {
      callback = kind;
      kind = Z_FULL_FLUSH;
    }
    ArrayPrototypePush(this._flushes, kind);
    this.write(Buffer.alloc(0), callback);
  };

  ZlibBase.prototype.params = node_notImplemented('zlib.params');
  ZlibBase.prototype.reset = node_notImplemented('zlib.reset');

  ZlibBase.prototype._transform = function (chunk, encoding, callback) {
    let bytes;
    try {
      bytes = inputBytes(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk, 'chunk');
    } catch (error) {
      callback(error);
      return;
    }
    const length = TypedArrayPrototypeGetLength(bytes);
    const flush = length === 0 && this._flushes.length > 0 ? ArrayPrototypeShift(this._flushes) : this._options.flush;
    this.bytesWritten += length;
    this._feed(bytes, flush, callback);
  };

  ZlibBase.prototype._flush = function (callback) {
    this._feed(new Uint8Array(0), this._options.finishFlush, callback);
  };

  ZlibBase.prototype._feed = function (bytes, flush, callback) {
    try {
      if (this._handle === null) {
        if (this._format !== 'unzip' || this.destroyed) throw new Error('zlib binding closed');
        this._handle = open(unzipFormat(bytes), this._direction, this._options.level);
      }
      compression_write(this._handle, bytes, hostFlush[flush]);
    } catch (error) {
      this._closeHandle();
      callback(zlibError(error));
      return;
    }
    this._drain(flush === Z_FINISH, callback);
  };

  // Pushes output until the host wants more input (or ends), pausing while the reader lags.
  ZlibBase.prototype._drain = function (finishing, callback) {
    for (;;) {
      let out;
      try {
        out = this._handle === null ? null : compression_read(this._handle);
      } catch (error) {
        this._closeHandle();
        callback(zlibError(error));
        return;
      }
      if (out === null) {
        if (finishing) this._closeHandle();
        callback();
        return;
      }
      const length = TypedArrayPrototypeGetLength(out);
      if (length === 0) {
        callback();
        return;
      }
      this._outBytes += length;
      if (this._outBytes > this._options.maxOutputLength) {
        this._closeHandle();
        callback(tooLarge(this._options.maxOutputLength));
        return;
      }
      const more = this.push(Buffer.from(TypedArrayPrototypeGetBuffer(out), TypedArrayPrototypeGetByteOffset(out), length));
      if (!more) {
        this._resume = () => this._drain(finishing, callback);
        return;
      }
    }
  };

  ZlibBase.prototype._read = function () {
    const resume = this._resume;
    this._resume = null;
    if (resume !== null) resume();
  };

  ZlibBase.prototype._destroy = function (error, callback) {
    this._closeHandle();
    callback(error);
  };

  function brotliUnsupported(what) {
    return function brotli() {
      throw node_error(Error, 'ERR_METHOD_NOT_IMPLEMENTED',
        `${what} is not implemented: this runtime's node:zlib has no Brotli (gzip, deflate and deflate-raw only)`);
    };
  }

  const names = ObjectKeys(kinds);
  for (let i = 0; i < names.length; i++) {
    const kind = names[i];
    const lower = StringPrototypeToLowerCase(kind[0]) + StringPrototypeSlice(kind, 1);
    const Class = {
      [kind]: function (options) {
        if (!(this instanceof Class)) return new Class(options);
        ZlibBase.call(this, kind, options);
      },
    }[kind];
    ObjectSetPrototypeOf(Class.prototype, ZlibBase.prototype);
    ObjectSetPrototypeOf(Class, ZlibBase);
    zlib[kind] = Class;
    zlib[`create${kind}`] = function (options) {
      return new Class(options);
    };
    zlib[`${lower}Sync`] = {
      [`${lower}Sync`](buffer, options) {
        return processSync(kind, buffer, options);
      },
    }[`${lower}Sync`];
    zlib[lower] = {
      [lower](buffer, options, callback) {
        processLater(kind, buffer, options, callback);
      },
    }[lower];
  }
  const brotli = ['BrotliCompress', 'BrotliDecompress', 'brotliCompress', 'brotliCompressSync', 'brotliDecompress',
    'brotliDecompressSync', 'createBrotliCompress', 'createBrotliDecompress'];
  for (let i = 0; i < brotli.length; i++) zlib[brotli[i]] = brotliUnsupported(`zlib.${brotli[i]}`);

  zlib.crc32 = function crc32(data, value = 0) {
    const bytes = typeof data === 'string' ? node_bufferEncode(data, 'utf8')
      : ArrayBufferIsView(data) ? viewBytes(data) : undefined;
    if (bytes === undefined) {
      throw node_invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
    }
    if (typeof value !== 'number') throw node_invalidArgType('value', 'of type number', value);
    if (!node_NumberIsInteger(value) || value < 0 || value > 4294967295) {
      throw node_outOfRange('value', '>= 0 and <= 4294967295', value);
    }
    const table = node_zlibCrcTable();
    let crc = ~value;
    const length = TypedArrayPrototypeGetLength(bytes);
    for (let i = 0; i < length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return ~crc >>> 0;
  };

  // The legacy top-level constants (zlib.Z_SYNC_FLUSH ...), zlib's and not Brotli's, as Node has them.
  const constantNames = ObjectKeys(constants);
  for (let i = 0; i < constantNames.length; i++) {
    if (StringPrototypeStartsWith(constantNames[i], 'Z_')) zlib[constantNames[i]] = constants[constantNames[i]];
  }
}

let node_zlibCrcTableMade;

function node_zlibCrcTable() {
  if (node_zlibCrcTableMade === undefined) {
    node_zlibCrcTableMade = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      node_zlibCrcTableMade[n] = c;
    }
  }
  return node_zlibCrcTableMade;
}
