import { assert, assertEquals, assertThrows } from './assert.js';

export function randomUuidIsAVersion4Uuid() {
  const seen = new Set();
  for (let i = 0; i < 50; i++) {
    const uuid = crypto.randomUUID();
    assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid), uuid);
    seen.add(uuid);
  }
  assertEquals(seen.size, 50);
}

export function getRandomValuesFillsIntegerArraysInPlace() {
  const whole = new Uint32Array(64);
  assertEquals(crypto.getRandomValues(whole), whole);
  assert(whole.some((v) => v !== 0), 'filled');
  const backing = new Uint8Array(32);
  const middle = new Uint16Array(backing.buffer, 8, 4);
  crypto.getRandomValues(middle);
  assert(backing.subarray(0, 8).every((v) => v === 0) && backing.subarray(16).every((v) => v === 0),
    'only the view is written');
  class Mine extends Uint8Array {}
  assertEquals(crypto.getRandomValues(new Mine(4)).length, 4);
}

export function getRandomValuesRefusesWhatItShould() {
  assertThrows(() => crypto.getRandomValues(new Float64Array(2)), DOMException, 'TypeMismatchError');
  assertThrows(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4))), DOMException, 'TypeMismatchError');
  assertThrows(() => crypto.getRandomValues([1, 2]), DOMException, 'TypeMismatchError');
  assertThrows(() => crypto.getRandomValues(new Uint8Array(65537)), DOMException, 'QuotaExceededError');
  assertThrows(() => crypto.getRandomValues(), TypeError);
}

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const abc = new TextEncoder().encode('abc');

export async function digestGivesTheStandardTestVectorsAsAnArrayBuffer() {
  // FIPS 180 and RFC 1321 test vectors for "abc" and the empty message.
  const sha256 = await crypto.subtle.digest('SHA-256', abc);
  assert(sha256 instanceof ArrayBuffer, 'an ArrayBuffer');
  assertEquals(hex(sha256), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assertEquals(hex(await crypto.subtle.digest({ name: 'sha-1' }, abc)), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assertEquals(hex(await crypto.subtle.digest('SHA-384', abc.buffer)),
    'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7');
  assertEquals(hex(await crypto.subtle.digest('SHA-512', new DataView(abc.buffer))),
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  assertEquals(hex(await crypto.subtle.digest('MD5', abc)), '900150983cd24fb0d6963f7d28e17f72');
  assertEquals(hex(await crypto.subtle.digest('SHA-256', new Uint8Array(0))),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  // Only the view's bytes count, not the rest of its buffer.
  const padded = new Uint8Array([0, 0x61, 0x62, 0x63, 0]);
  assertEquals(hex(await crypto.subtle.digest('SHA-256', padded.subarray(1, 4))), hex(sha256));
  // FIPS 180's long message, one million 'a's: read in many pieces on the host's side.
  assertEquals(hex(await crypto.subtle.digest('SHA-256', new Uint8Array(1000000).fill(0x61))),
    'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
}

export async function digestRefusesUnknownAlgorithmsAndDataThatIsNoBuffer() {
  const outcomes = [];
  for (const [algorithm, data] of [['SHA-3', abc], ['SHA-256', 'abc'], [{}, abc], [null, abc]]) {
    try {
      await crypto.subtle.digest(algorithm, data);
      outcomes.push('digested');
    } catch (e) {
      outcomes.push(e.name);
    }
  }
  assertEquals(outcomes.join(','), 'NotSupportedError,TypeError,TypeError,TypeError');
}

export function timingSafeEqualComparesBuffersOfTheSameLength() {
  assertEquals(crypto.subtle.timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]).buffer), true);
  assertEquals(crypto.subtle.timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])), false);
  assertThrows(() => crypto.subtle.timingSafeEqual(new Uint8Array(2), new Uint8Array(3)), RangeError);
  assertThrows(() => crypto.subtle.timingSafeEqual('ab', 'ab'), TypeError);
  assertThrows(() => new SubtleCrypto(), TypeError);
  assert(crypto.subtle instanceof SubtleCrypto, 'crypto.subtle is a SubtleCrypto');
}

export function randomBytesAreNeverHandedOutTwice() {
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const seen = new Set();
  // 16 bytes at a time, well past several refills of the runtime's block of random bytes.
  // No draw repeats another, and none starts with 8 or more of the bytes that ended the
  // draw before it (a block handed out at an offset that moved too little); by chance that
  // happens once in 2^64.
  let previous = null;
  for (let i = 0; i < 1000; i++) {
    const draw = crypto.getRandomValues(new Uint8Array(16));
    seen.add(hex(draw));
    if (previous !== null) {
      for (let shift = 1; shift <= 8; shift++) {
        assert(hex(previous.subarray(shift)) !== hex(draw.subarray(0, 16 - shift)), `draw ${i} overlaps the one before by ${16 - shift} bytes`);
      }
    }
    previous = draw;
  }
  assertEquals(seen.size, 1000);
  const uuids = new Set();
  for (let i = 0; i < 1000; i++) {
    const uuid = crypto.randomUUID();
    assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid), uuid);
    uuids.add(uuid);
  }
  assertEquals(uuids.size, 1000);
  // Sizes on both sides of what is served from the block, and the largest allowed.
  for (const size of [1, 255, 256, 257, 4096, 65536]) {
    const a = crypto.getRandomValues(new Uint8Array(size));
    const b = crypto.getRandomValues(new Uint8Array(size));
    assertEquals(a.length, size);
    if (size >= 16) {
      assert(hex(a) !== hex(b), `two draws of ${size} bytes were equal`);
      assert(a.some((x) => x !== 0), `${size} random bytes were all zero`);
    }
  }
}
