// node:string_decoder: StringDecoder, which decodes a byte stream chunk by chunk
// without splitting a multi-byte character (utf8, utf16le) or a base64 group.

node_define('string_decoder', () => {
  const { Buffer } = node_require('buffer');

  class StringDecoder {
    #pending = new Uint8Array(0);
    #utf8;

    constructor(encoding) {
      const normalized = node_normalizeEncoding(encoding);
      if (normalized === undefined) {
        throw node_error(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
      }
      this.encoding = normalized;
      if (normalized === 'utf8') this.#utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
    }

    write(chunk) {
      if (typeof chunk === 'string') return chunk;
      if (!ArrayBufferIsView(chunk)) {
        throw node_invalidArgType('buf', 'an instance of Buffer, TypedArray, or DataView', chunk);
      }
      const bytes = viewBytes(chunk);
      if (this.encoding === 'utf8') return this.#utf8.decode(bytes, { stream: true });
      const all = concatBytes([this.#pending, bytes], this.#pending.length + bytes.length);
      const unit = this.encoding === 'utf16le' ? 2 : this.encoding === 'base64' || this.encoding === 'base64url' ? 3 : 1;
      let usable = all.length - (all.length % unit);
      if (this.encoding === 'utf16le' && usable >= 2) {
        // A high surrogate at the end waits for its pair.
        const last = all[usable - 2] | (all[usable - 1] << 8);
        if (last >= 0xd800 && last <= 0xdbff) usable -= 2;
      }
      this.#pending = new Uint8Array(bytesView(all, usable, all.length));
      return node_bufferDecode(bytesView(all, 0, usable), this.encoding);
    }

    end(chunk) {
      let out = chunk === undefined ? '' : this.write(chunk);
      if (this.encoding === 'utf8') {
        out += this.#utf8.decode();
      } else if (this.#pending.length > 0) {
        out += node_bufferDecode(this.#pending, this.encoding);
      }
      this.#pending = new Uint8Array(0);
      return out;
    }

    text(buffer, offset) {
      return this.write(Buffer.from(buffer).subarray(offset));
    }

    get lastNeed() {
      return this.#pending.length;
    }
  }

  return { StringDecoder };
});
