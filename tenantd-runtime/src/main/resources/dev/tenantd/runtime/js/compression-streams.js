// The streams behind CompressionStream, DecompressionStream and the bodies that arrive
// or leave with a Content-Encoding (compression.js has the classes and the host calls):
// the [compression] part of bootstrap.txt, loaded the first time an isolate makes one.
//
// Defined for compression.js:
//   compression_pair(format, direction, strict) -> { readable, writable } over one codec, for a
//       format already checked
//   compression_decoding(format, feed, onCancel), compression_encoding(format, stream)
//       as compression_decodingStream and compression_encodingStream

const compression_BAD_CHUNK = 'This TransformStream is being used as a byte stream, but received an object of '
  + 'non-ArrayBuffer/ArrayBufferView type on its writable side.';
const compression_STRING_CHUNK = 'This TransformStream is being used as a byte stream, but received a string on its '
  + "writable side. If you wish to write a string, you'll probably want to explicitly UTF-8-encode it with TextEncoder.";
const compression_QUEUE_LIMIT = 16 * 1024 * 1024;

// The bytes of a chunk written to a compression stream: any BufferSource, as Workers take.
function compression_chunkBytes(chunk) {
  if (ArrayBufferIsView(chunk)) return viewBytes(chunk);
  if (isArrayBuffer(chunk)) return new Uint8Array(chunk);
  throw new TypeError(typeof chunk === 'string' ? compression_STRING_CHUNK : compression_BAD_CHUNK);
}

// One stream through the host and the readable side its output goes to. write() and
// finish() resolve once their input is turned into output held for the reader; each read
// gets what is held (up to 64 KiB at once), so a small output comes out in one chunk as
// in Workers, whatever pieces zlib made it in.
class compression_Codec {
  constructor(format, direction, strict) {
    this.handle = compression_open(format, direction, -1, strict);
    this.controller = null; // the readable side's
    this.writableController = null;
    this.done = false; // the host stream is closed: ended, failed or cancelled
    this.ended = false; // the host has no more output
    this.finishing = false; // the input is complete
    this.closedReadable = false;
    this.pending = []; // output not read yet
    this.pendingBytes = 0;
    this.wanted = false; // a read waits for output
    this.roomWaiter = null; // resolves when the reader took output
    this.onFirstPull = null; // starts the input of a decoding stream when it is first read
    this.onCancel = null; // tells the input of an encoding or decoding stream that nobody reads on
    const codec = this;
    this.readable = streams_newReadable({
      __proto__: null,
      start(controller) {
        codec.controller = controller;
      },
      pull() {
        codec.wanted = true;
        if (codec.onFirstPull !== null) {
          const start = codec.onFirstPull;
          codec.onFirstPull = null;
          start();
        }
        codec.deliver();
      },
      cancel(reason) {
        codec.stop();
        codec.pending = [];
        codec.pendingBytes = 0;
        if (codec.writableController !== null) streams_errorWritable(codec.writableController, reason);
        if (codec.onCancel !== null) codec.onCancel(reason);
      },
    }, { __proto__: null, highWaterMark: 0 });
  }

  // Hands held output to a waiting read, or closes the readable side once all is read.
  deliver() {
    if (!this.wanted || this.closedReadable) return;
    const pending = this.pending;
    if (pending.length > 0) {
      const chunks = [];
      let total = 0;
      let taken = 0;
      while (taken < pending.length
          && (taken === 0 || total + TypedArrayPrototypeGetLength(pending[taken]) <= compression_READ_BYTES)) {
        total += TypedArrayPrototypeGetLength(pending[taken]);
        chunks[chunks.length] = pending[taken++];
      }
      this.pending = copyList(pending, taken);
      this.pendingBytes -= total;
      this.wanted = false;
      streams_enqueue(this.controller, concatBytes(chunks, total));
      this.wake();
    } else if (this.ended && this.finishing) {
      this.closedReadable = true;
      streams_close(this.controller);
    }
  }

  wake() {
    const waiter = this.roomWaiter;
    this.roomWaiter = null;
    if (waiter !== null) waiter();
  }

  stop() {
    if (this.done) return;
    this.done = true;
    compression_close(this.handle);
    this.wake();
  }

  fail(error) {
    this.stop();
    this.pending = [];
    this.pendingBytes = 0;
    streams_error(this.controller, error);
    if (this.writableController !== null) streams_errorWritable(this.writableController, error);
  }

  async write(bytes) {
    if (this.done) throw new TypeError('This compression stream is closed.');
    try {
      compression_write(this.handle, bytes, 0);
    } catch (error) {
      this.fail(error);
      throw error;
    }
    await this.drain();
  }

  async finish() {
    if (this.done) return;
    try {
      compression_write(this.handle, new Uint8Array(0), compression_FINISH);
    } catch (error) {
      this.fail(error);
      throw error;
    }
    this.finishing = true;
    await this.drain();
  }

  // Takes output from the host until it wants more input or has no more output; waits for
  // the reader whenever compression_QUEUE_LIMIT bytes are held.
  async drain() {
    for (;;) {
      if (this.done) return;
      if (this.pendingBytes >= compression_QUEUE_LIMIT) {
        await new Promise((resolve) => { this.roomWaiter = resolve; });
        continue;
      }
      let out;
      try {
        out = compression_read(this.handle);
      } catch (error) {
        this.fail(error);
        throw error;
      }
      if (out === null) {
        // Until the input is complete the stream stays open: more input is trailing data.
        this.ended = true;
        if (this.finishing) this.stop();
        this.deliver();
        return;
      }
      const length = TypedArrayPrototypeGetLength(out);
      if (length === 0) return;
      this.pending[this.pending.length] = out;
      this.pendingBytes += length;
      this.deliver();
      // A reader waiting on this stream runs before the next piece is made.
      await undefined;
    }
  }
}

// The Web IDL body of both classes: a readable and a writable over one codec, for a
// format already checked.
function compression_pair(format, direction, strict) {
  const codec = new compression_Codec(format, direction, strict);
  const writable = streams_newWritable({
    __proto__: null,
    start(controller) {
      codec.writableController = controller;
    },
    async write(chunk) {
      let bytes;
      try {
        bytes = compression_chunkBytes(chunk);
      } catch (error) {
        codec.fail(error);
        throw error;
      }
      await codec.write(bytes);
    },
    async close() {
      await codec.finish();
    },
    abort(reason) {
      codec.fail(reason);
    },
  }, { __proto__: null, highWaterMark: 1 });
  return { readable: codec.readable, writable };
}

// A codec's readable side whose input is fed by `feed(write)` once it is first read: a
// failure of the input errors the stream with it.
function compression_fedStream(format, direction, feed, onCancel) {
  const codec = new compression_Codec(format, direction, false);
  codec.onCancel = onCancel;
  codec.onFirstPull = () => {
    PromisePrototypeThen((async () => {
      try {
        await feed((bytes) => codec.write(bytes));
      } catch (error) {
        codec.fail(error);
        return;
      }
      await codec.finish();
    })(), undefined, () => {});
  };
  return codec.readable;
}

// The decoded bytes of a body that arrived encoded. Nothing happens until the stream is
// first read: then `feed` writes the encoded bytes, which go in as the decoded ones are
// read. A body that does not decode errors the stream with a TypeError.
function compression_decoding(format, feed, onCancel = null) {
  return compression_fedStream(format, 'decompress', feed, onCancel);
}

// A stream's bytes compressed as they are read: the source is read only as fast as the
// compressed side is.
function compression_encoding(format, stream) {
  const reader = streams_byteReader(stream);
  return compression_fedStream(format, 'compress', async (write) => {
    for (;;) {
      const bytes = await reader.read();
      if (bytes === null) return;
      await write(bytes);
    }
  }, (reason) => reader.cancel(reason));
}
