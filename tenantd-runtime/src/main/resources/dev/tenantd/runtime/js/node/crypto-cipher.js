// node:crypto's AES ciphers: createCipheriv and createDecipheriv for aes-128/192/256-gcm,
// -cbc and -ctr, over the Web Crypto host's one-shot AES calls (with padding, PKCS #7 as
// Node's default; setAutoPadding(false) is refused).
//
// node_cryptoCiphers(Buffer, toBytes, keys) -> the exports to add to node:crypto.

function node_cryptoCiphers(Buffer, toBytes, keys) {
  const { KeyObject, partsOf } = keys;

  function cipherSpec(name) {
    node_validateString(name, 'cipher');
    const match = RegExpPrototypeExec(/^(?:aes-?(128|192|256)-(gcm|cbc|ctr)|id-aes(128|192|256)-gcm)$/, StringPrototypeToLowerCase(name));
    if (match === null) throw node_error(Error, 'ERR_CRYPTO_UNKNOWN_CIPHER', 'Unknown cipher');
    return { bits: +(match[1] ?? match[3]), mode: match[2] ?? 'gcm' };
  }

  function cipherKey(key, bits) {
    const bytes = key instanceof KeyObject ? partsOf(key).material : toBytes(key, undefined, 'key');
    if (bytes.length * 8 !== bits) throw node_error(RangeError, 'ERR_CRYPTO_INVALID_KEYLEN', 'Invalid key length');
    return bytes;
  }

  const BLOCK = 16;

  function host(operation, params, key, data, extra1, extra2) {
    return memory_fromHost(cryptoKey_host(operation, params, key, data, extra1, extra2));
  }

  const join = (a, b) => concatBytes([a, b], a.length + b.length);

  // `base` advanced by `blocks`, in its last `bits` bits (128 for CTR, 32 for GCM's counter).
  function counterAt(base, blocks, bits) {
    const out = new Uint8Array(base);
    let carry = blocks;
    for (let i = 15; i >= 16 - bits / 8 && carry > 0; i--) {
      const sum = out[i] + (carry % 256);
      out[i] = sum % 256;
      carry = node_keysFloor(carry / 256) + (sum >= 256 ? 1 : 0);
    }
    return out;
  }

  // update() gives its output at once, as Node does: CTR and GCM (12-byte IV) run the
  // counter from where the last update stopped; CBC gives whole blocks (holding back the last
  // one when decrypting, for the padding), chaining on the last ciphertext block. GCM's tag
  // comes from one host call over the whole message at final().
  class Cipheriv {
    #mode;
    #key;
    #iv;
    #decrypt;
    #all = []; // GCM: the whole input, for the tag
    #allLength = 0;
    #pending = new Uint8Array(0); // CBC: bytes short of a block (or the held-back block)
    #chain; // CBC: the last ciphertext block
    #counter; // CTR, GCM: the counter of the first block
    #done = 0; // CTR, GCM: bytes through the counter so far
    #aad;
    #tag;
    #tagLength;
    #finished = false;

    constructor(decrypt, algorithm, key, iv, options) {
      const spec = cipherSpec(algorithm);
      this.#mode = spec.mode;
      this.#key = cipherKey(key, spec.bits);
      this.#iv = iv === null || iv === undefined ? undefined : new Uint8Array(toBytes(iv, undefined, 'iv'));
      const ivOk = this.#mode === 'gcm' ? this.#iv !== undefined && this.#iv.length > 0
        : this.#iv !== undefined && this.#iv.length === BLOCK;
      if (!ivOk) throw node_error(TypeError, 'ERR_CRYPTO_INVALID_IV', 'Invalid initialization vector');
      this.#decrypt = decrypt;
      this.#tagLength = options && options.authTagLength !== undefined ? options.authTagLength : 16;
      this.#chain = this.#iv;
      if (this.#mode === 'ctr') this.#counter = this.#iv;
      if (this.#mode === 'gcm' && this.#iv.length === 12) {
        this.#counter = new Uint8Array(BLOCK);
        TypedArrayPrototypeSet(this.#counter, this.#iv);
        this.#counter[15] = 2;
      }
    }

    update(data, inputEncoding, outputEncoding) {
      if (this.#finished) throw node_error(Error, 'ERR_CRYPTO_INVALID_STATE', 'Invalid state for operation update');
      const bytes = toBytes(data, inputEncoding, 'data');
      let out;
      if (this.#mode === 'cbc') {
        out = this.#decrypt ? this.#cbcDecrypt(bytes) : this.#cbcEncrypt(bytes);
      } else {
        if (this.#mode === 'gcm') {
          ArrayPrototypePush(this.#all, bytes);
          this.#allLength += bytes.length;
        }
        out = this.#counter === undefined ? new Uint8Array(0) : this.#ctr(bytes);
      }
      return encoded(out, outputEncoding);
    }

    // The counter's key stream over `bytes`, starting `#done` bytes in (mid-block included).
    #ctr(bytes) {
      if (bytes.length === 0) return bytes;
      const skip = this.#done % BLOCK;
      const counter = counterAt(this.#counter, node_keysFloor(this.#done / BLOCK), this.#mode === 'gcm' ? 32 : 128);
      const input = skip === 0 ? bytes : join(new Uint8Array(skip), bytes);
      const out = host('encrypt', { alg: 'AES-CTR', length: this.#mode === 'gcm' ? 32 : 128 }, this.#key, input, counter);
      this.#done += bytes.length;
      return TypedArrayPrototypeSubarray(out, skip);
    }

    #cbcEncrypt(bytes) {
      const input = join(this.#pending, bytes);
      const whole = input.length - (input.length % BLOCK);
      this.#pending = TypedArrayPrototypeSubarray(input, whole);
      if (whole === 0) return new Uint8Array(0);
      // The host pads: the block it adds is dropped, the blocks before it are CBC's output.
      const out = host('encrypt', { alg: 'AES-CBC' }, this.#key, TypedArrayPrototypeSubarray(input, 0, whole), this.#chain);
      this.#chain = TypedArrayPrototypeSubarray(out, whole - BLOCK, whole);
      return TypedArrayPrototypeSubarray(out, 0, whole);
    }

    #cbcDecrypt(bytes) {
      const input = join(this.#pending, bytes);
      const ready = input.length === 0 ? 0 : node_keysFloor((input.length - 1) / BLOCK) * BLOCK;
      this.#pending = TypedArrayPrototypeSubarray(input, ready);
      if (ready === 0) return new Uint8Array(0);
      const blocks = TypedArrayPrototypeSubarray(input, 0, ready);
      const last = TypedArrayPrototypeSubarray(blocks, ready - BLOCK);
      // A block that decrypts (after `last`) to a whole block of padding, so the host's padding
      // check passes and takes it off, leaving exactly the plaintext of `blocks`.
      const padding = host('encrypt', { alg: 'AES-CBC' }, this.#key, new Uint8Array(0), last);
      const out = host('decrypt', { alg: 'AES-CBC' }, this.#key, join(blocks, padding), this.#chain);
      this.#chain = new Uint8Array(last);
      return out;
    }

    setAAD(buffer) {
      this.#aad = toBytes(buffer, undefined, 'buffer');
      return this;
    }

    setAutoPadding(autoPadding) {
      if (autoPadding === false) {
        throw node_error(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'Ciphers without padding are not implemented');
      }
      return this;
    }

    getAuthTag() {
      if (this.#decrypt || this.#tag === undefined) {
        throw node_error(Error, 'ERR_CRYPTO_INVALID_STATE', 'Invalid state for operation getAuthTag');
      }
      return Buffer.from(this.#tag);
    }

    setAuthTag(tag) {
      if (!this.#decrypt || this.#finished) {
        throw node_error(Error, 'ERR_CRYPTO_INVALID_STATE', 'Invalid state for operation setAuthTag');
      }
      this.#tag = toBytes(tag, undefined, 'buffer');
      return this;
    }

    final(outputEncoding) {
      if (this.#finished) throw node_error(Error, 'ERR_CRYPTO_INVALID_STATE', 'Invalid state for operation final');
      this.#finished = true;
      return encoded(this.#final(), outputEncoding);
    }

    #final() {
      const mode = this.#mode;
      if (mode === 'ctr') return new Uint8Array(0);
      if (mode === 'cbc') {
        if (!this.#decrypt) return host('encrypt', { alg: 'AES-CBC' }, this.#key, this.#pending, this.#chain);
        if (this.#pending.length !== BLOCK) {
          throw node_error(Error, 'ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH', 'error:1C80006B:Provider routines::wrong final block length');
        }
        try {
          return host('decrypt', { alg: 'AES-CBC' }, this.#key, this.#pending, this.#chain);
        } catch {
          throw node_error(Error, 'ERR_OSSL_BAD_DECRYPT', 'error:1C800064:Provider routines::bad decrypt');
        }
      }
      const input = concatBytes(this.#all.length === 0 ? [new Uint8Array(0)] : this.#all, this.#allLength);
      this.#all = [];
      // Without a 12-byte IV the counter is not known here: all the output comes now.
      const late = this.#counter === undefined;
      if (this.#decrypt) {
        let plain;
        try {
          if (this.#tag === undefined) throw new TypeError('no tag');
          plain = host('decrypt', { alg: 'AES-GCM', tagLength: this.#tag.length * 8 }, this.#key, join(input, this.#tag),
            this.#iv, this.#aad);
        } catch {
          throw new Error('Unsupported state or unable to authenticate data');
        }
        return late ? plain : new Uint8Array(0);
      }
      const sealed = host('encrypt', { alg: 'AES-GCM', tagLength: this.#tagLength * 8 }, this.#key, input, this.#iv, this.#aad);
      this.#tag = node_keysSlice(sealed, sealed.length - this.#tagLength);
      return late ? TypedArrayPrototypeSubarray(sealed, 0, sealed.length - this.#tagLength) : new Uint8Array(0);
    }
  }

  function encoded(bytes, encoding) {
    const buffer = Buffer.from(bytes);
    return encoding === undefined || encoding === 'buffer' ? buffer : buffer.toString(encoding);
  }

  return {
    createCipheriv: (algorithm, key, iv, options) => new Cipheriv(false, algorithm, key, iv, options),
    createDecipheriv: (algorithm, key, iv, options) => new Cipheriv(true, algorithm, key, iv, options),
    getCiphers: () => ['aes-128-cbc', 'aes-128-ctr', 'aes-128-gcm', 'aes-192-cbc', 'aes-192-ctr', 'aes-192-gcm',
      'aes-256-cbc', 'aes-256-ctr', 'aes-256-gcm', 'id-aes128-GCM', 'id-aes192-GCM', 'id-aes256-GCM'],
  };
}
