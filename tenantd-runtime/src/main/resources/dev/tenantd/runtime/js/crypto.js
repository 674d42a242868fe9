// crypto.getRandomValues and randomUUID, backed by the host's SecureRandom.

const crypto_integerArrays = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
const crypto_HEX = '0123456789abcdef';

class Crypto {
  getRandomValues(array) {
    requireArguments(arguments.length, 1, "Failed to execute 'getRandomValues' on 'Crypto'");
    const type = ArrayBufferIsView(array) ? TypedArrayPrototypeGetSymbolToStringTag(array) : undefined;
    if (!ArrayPrototypeIncludes(crypto_integerArrays, type)) {
      throw domException("The data argument must be an integer-type TypedArray",
        'TypeMismatchError');
    }
    const byteLength = TypedArrayPrototypeGetByteLength(array);
    if (byteLength > 65536) {
      throw domException(`The ArrayBufferView's byte length (${byteLength}) exceeds the number of bytes of entropy available via this API (65536)`,
        'QuotaExceededError');
    }
    TypedArrayPrototypeSet(viewBytes(array), memory_fromHost(host.randomBytes(byteLength)));
    return array;
  }

  randomUUID() {
    const b = memory_fromHost(host.randomBytes(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = '';
    for (let i = 0; i < 16; i++) {
      hex += crypto_HEX[b[i] >> 4] + crypto_HEX[b[i] & 15];
      if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
    }
    return hex;
  }
}
webIdlClass(Crypto);
defineGlobal('Crypto', Crypto);
defineGlobal('crypto', new Crypto());
