// crypto.DigestStream: a WritableStream that hashes what is written to it (Workers' API).

const digestStream_WritableStream = globalThis.WritableStream;

// Reflected CRC-32 tables: IEEE 802.3 (crc32) and Castagnoli (crc32c).
function digestStream_crcTable(polynomial) {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}
const digestStream_CRC_TABLES = { __proto__: null, CRC32: digestStream_crcTable(0xedb88320), CRC32C: digestStream_crcTable(0x82f63b78) };

// How a DigestStream hashes: a CRC as the bytes come, or a hash of all of them at the end.
function digestStream_digester(algorithm) {
  const upper = crypto_algorithmName(algorithm, 'DigestStream');
  const table = digestStream_CRC_TABLES[upper];
  if (table !== undefined) {
    let crc = 0xffffffff;
    return {
      write(bytes) {
        const length = TypedArrayPrototypeGetLength(bytes);
        for (let i = 0; i < length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
      },
      close() {
        const value = (crc ^ 0xffffffff) >>> 0;
        return TypedArrayPrototypeGetBuffer(new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]));
      },
    };
  }
  const name = crypto_digests[upper];
  if (name === undefined) {
    throw domException('Unrecognized or unimplemented digest algorithm requested.', 'NotSupportedError');
  }
  // The host keeps nothing between calls, so the chunks wait here and are hashed in one call.
  const chunks = [];
  let total = 0;
  return {
    write(bytes) {
      ArrayPrototypePush(chunks, bytes);
      total += TypedArrayPrototypeGetLength(bytes);
    },
    close: () => host.digest(name, bodyToHost(concatBytes(chunks, total))),
  };
}

// A WritableStream whose `digest` promise gives the hash of everything written to it once
// it is closed. Chunks are BufferSources or strings (hashed as UTF-8), as in Workers.
class DigestStream extends digestStream_WritableStream {
  #digest;
  #written;

  constructor(algorithm) {
    requireArguments(arguments.length, 1, "Failed to construct 'DigestStream'");
    const digester = digestStream_digester(algorithm);
    let settle;
    const digest = new Promise((resolve, reject) => {
      settle = { resolve, reject };
    });
    const counter = { bytes: 0 };
    super({
      write(chunk) {
        let bytes;
        if (typeof chunk === 'string') {
          bytes = utf8Encode(chunk);
        } else if (isArrayBuffer(chunk) || ArrayBufferIsView(chunk)) {
          bytes = cryptoKey_bytes(chunk, 'chunk');
        } else {
          // The stream errors, and so does the digest it will never have.
          const error = new TypeError('DigestStream is a byte stream but received an object of '
            + 'non-ArrayBuffer/ArrayBufferView/string type on its writable side.');
          settle.reject(error);
          throw error;
        }
        digester.write(bytes);
        counter.bytes += TypedArrayPrototypeGetLength(bytes);
      },
      close() {
        settle.resolve(digester.close());
      },
      abort(reason) {
        settle.reject(reason);
      },
    });
    // A digest nobody awaits must not surface as an unhandled rejection when the stream is aborted.
    PromisePrototypeThen(digest, undefined, () => {});
    this.#digest = digest;
    this.#written = counter;
  }

  get digest() {
    return this.#digest;
  }

  get bytesWritten() {
    return BigInt(this.#written.bytes); // a bigint, as in Workers
  }
}
webIdlClass(DigestStream);
// Workers expose it as crypto.DigestStream, not as a global.
ObjectDefineProperty(Crypto.prototype, 'DigestStream', { value: DigestStream, writable: true, configurable: true });
