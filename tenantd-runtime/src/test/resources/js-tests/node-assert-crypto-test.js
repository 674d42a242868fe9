// node:assert and node:crypto, against Node's documented behaviour (run with nodejs_compat).
import assert, { AssertionError } from 'node:assert';
import strict from 'node:assert/strict';
import crypto, { createHash, createHmac, randomBytes, randomUUID, randomInt, timingSafeEqual, pbkdf2Sync } from 'node:crypto';
import { assertEquals, assertThrows } from './assert.js';

function failure(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an AssertionError');
}

export function assert_passes_and_fails_with_node_properties() {
  assert(true);
  assert.ok(1);
  assert.equal(1, '1');
  assert.deepEqual({ a: 1 }, { a: '1' });
  assert.strictEqual(NaN, NaN);
  assert.deepStrictEqual({ a: [1, { b: new Map([[1, 2]]) }] }, { a: [1, { b: new Map([[1, 2]]) }] });
  assert.notDeepStrictEqual({ a: 1 }, { a: '1' });
  assert.match('abc', /b/);
  const e = failure(() => assert.strictEqual(1, 2));
  assertEquals(e instanceof AssertionError, true);
  assertEquals(e.code, 'ERR_ASSERTION');
  assertEquals(e.actual, 1);
  assertEquals(e.expected, 2);
  assertEquals(e.operator, 'strictEqual');
  assertEquals(e.generatedMessage, true);
  assertEquals(e.name, 'AssertionError');
  assertEquals(failure(() => assert.ok(0)).message.startsWith('The expression evaluated to a falsy value'), true);
  assertEquals(failure(() => assert.equal(1, 2, 'custom')).message, 'custom');
  assertEquals(failure(() => assert.equal(1, 2)).message, '1 == 2');
  assertEquals(failure(() => assert.notStrictEqual(1, 1)).message, 'Expected "actual" to be strictly unequal to: 1');
  assertEquals(failure(() => assert.fail('boom')).message, 'boom');
  const own = new TypeError('mine');
  assertEquals(failure(() => assert.strictEqual(1, 2, own)), own);
}

export function strict_mode_uses_strict_comparisons() {
  assertEquals(strict, assert.strict);
  assertEquals(strict.equal, assert.strictEqual);
  assertEquals(failure(() => strict.equal(1, '1')).code, 'ERR_ASSERTION');
  assertEquals(failure(() => strict.deepEqual({ a: 1 }, { a: '1' })).operator, 'deepStrictEqual');
}

export async function throws_and_rejects_match_errors() {
  assert.throws(() => { throw new TypeError('Wrong value'); }, TypeError);
  assert.throws(() => { throw new TypeError('Wrong value'); }, /^TypeError: Wrong value$/);
  assert.throws(() => { throw new TypeError('Wrong value'); }, { name: 'TypeError', message: 'Wrong value' });
  assert.throws(() => { throw new TypeError('Wrong value'); }, { message: /Wrong/ });
  assert.throws(() => { throw new Error('x'); }, (err) => err.message === 'x');
  assertEquals(failure(() => assert.throws(() => {})).message, 'Missing expected exception.');
  assertEquals(failure(() => assert.throws(() => { throw new Error('e'); }, TypeError)).name, 'AssertionError');
  assertEquals(failure(() => assert.throws(() => { throw new Error('e'); }, { message: 'f' })).code, 'ERR_ASSERTION');
  assert.doesNotThrow(() => {});
  await assert.rejects(Promise.reject(new Error('no')), { message: 'no' });
  await assert.rejects(async () => { throw new RangeError('r'); }, RangeError);
  let missing = null;
  try {
    await assert.rejects(Promise.resolve(1));
  } catch (error) {
    missing = error;
  }
  assertEquals(missing.message, 'Missing expected rejection.');
  await assert.doesNotReject(Promise.resolve(1));
  assert.ifError(null);
  assertEquals(failure(() => assert.ifError('bad')).message, "ifError got unwanted exception: 'bad'");
}

export function hashes_match_known_digests() {
  assertEquals(createHash('md5').update('hello').digest('hex'), '5d41402abc4b2a76b9719d911017c592');
  assertEquals(createHash('sha1').update('hello').digest('hex'), 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
  assertEquals(createHash('sha256').update('hel').update('lo').digest('hex'),
    '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  assertEquals(createHash('SHA384').update('').digest('base64'),
    'OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb');
  assertEquals(createHash('sha512').update(Buffer.from('abc')).digest('hex'),
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  assertEquals(createHash('sha256').update('68656c6c6f', 'hex').digest('base64url'), 'LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ');
  const digest = createHash('sha1').update('x').digest();
  assertEquals(Buffer.isBuffer(digest), true);
  assertEquals(digest.length, 20);
  const hash = createHash('sha256').update('a');
  const copy = hash.copy();
  hash.update('b');
  assertEquals(copy.digest('hex'), createHash('sha256').update('a').digest('hex'));
  hash.digest();
  assertEquals(assertThrows(() => hash.update('c'), Error).code, 'ERR_CRYPTO_HASH_FINALIZED');
  assertThrows(() => createHash('whirlpool-9'), Error);
  assertEquals(crypto.hash('sha1', 'hello'), 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
}

export function hmacs_and_pbkdf2_match_known_values() {
  assertEquals(createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'),
    'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  assertEquals(createHmac('md5', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'),
    '80070713463e7749b90c2dc24911e275');
  assertEquals(createHmac('sha1', '').update('').digest('hex'), 'fbdb1d1b18aa6c08324b7d64b71fb76370690e1d');
  assertEquals(createHmac('sha512', 'k'.repeat(200)).update('long key').digest('hex').length, 128);
  assertEquals(createHmac('sha384', Buffer.from('key')).update('a').update('b').digest('base64'),
    createHmac('sha384', 'key').update('ab').digest('base64'));
  assertEquals(pbkdf2Sync('password', 'salt', 1, 20, 'sha1').toString('hex'), '0c60c80f961f0e71f3a9b524af6012062fe037a6');
  assertEquals(pbkdf2Sync('password', 'salt', 2, 32, 'sha256').toString('hex'),
    'ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43');
}

export function random_values_and_comparisons() {
  const bytes = randomBytes(16);
  assertEquals(Buffer.isBuffer(bytes), true);
  assertEquals(bytes.length, 16);
  assertEquals(randomBytes(70000).length, 70000);
  assertEquals(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(randomUUID()), true);
  for (let i = 0; i < 50; i++) {
    const n = randomInt(3, 7);
    assertEquals(n >= 3 && n < 7 && Number.isInteger(n), true, `randomInt gave ${n}`);
  }
  assertEquals(randomInt(1), 0);
  assertThrows(() => randomInt(5, 5), RangeError);
  assertEquals(timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')), true);
  assertEquals(timingSafeEqual(Buffer.from('abc'), Buffer.from('abd')), false);
  assertEquals(assertThrows(() => timingSafeEqual(Buffer.from('a'), Buffer.from('ab')), RangeError).code,
    'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH');
  assertEquals(crypto.webcrypto, globalThis.crypto);
  assertEquals(crypto.subtle, globalThis.crypto.subtle);
  assertEquals(crypto.getRandomValues(new Uint8Array(4)).length, 4);
}

export async function a_hash_is_also_a_stream() {
  const hash = createHash('sha256');
  const digest = await new Promise((resolve) => {
    hash.on('readable', () => {
      const data = hash.read();
      if (data) resolve(data.toString('hex'));
    });
    hash.write('hel');
    hash.end('lo');
  });
  assertEquals(digest, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
}

// Vectors of RFC 7914 (scrypt) and RFC 5869 (HKDF), as Node 20 gives them.
export function scrypt_derives_the_rfc_vectors_and_keeps_nodes_defaults_and_bounds() {
  assertEquals(crypto.scryptSync('', '', 64, { N: 16, r: 1, p: 1 }).toString('hex'),
    '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906');
  assertEquals(crypto.scryptSync('password', 'NaCl', 64, { cost: 1024, blockSize: 8, parallelization: 16 }).toString('hex'),
    'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640');
  // N 16384, r 8, p 1 by default.
  assertEquals(crypto.scryptSync('pw', 'salt', 8).toString('hex'), 'c0b515908e61334c');
  for (const options of [{ N: 32768 }, { N: 3 }, { N: 1 }, { r: 0 }, { N: 1024, maxmem: 1024 }]) {
    let error;
    try { crypto.scryptSync('a', 'b', 16, options); } catch (e) { error = e; }
    assertEquals(error?.code, 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS', JSON.stringify(options));
  }
}

export async function scrypt_with_a_callback() {
  const key = await new Promise((resolve, reject) => crypto.scrypt('', '', 64, { N: 16, r: 1, p: 1 },
    (error, derived) => (error ? reject(error) : resolve(derived))));
  assertEquals(key.toString('hex').slice(0, 16), '77d6576238657b20');
}

export async function hkdf_derives_the_rfc_vector_as_an_array_buffer() {
  const ikm = Buffer.alloc(22, 0x0b);
  const salt = Buffer.from('000102030405060708090a0b0c', 'hex');
  const info = Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex');
  const okm = crypto.hkdfSync('sha256', ikm, salt, info, 42);
  assert(okm instanceof ArrayBuffer, 'an ArrayBuffer');
  assertEquals(Buffer.from(okm).toString('hex'),
    '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  const viaCallback = await new Promise((resolve, reject) => crypto.hkdf('sha256', ikm, salt, info, 42,
    (error, key) => (error ? reject(error) : resolve(key))));
  assertEquals(Buffer.from(viaCallback).toString('hex'), Buffer.from(okm).toString('hex'));
  let tooLong;
  try { crypto.hkdfSync('sha256', 'a', 'b', 'c', 255 * 32 + 1); } catch (e) { tooLong = e; }
  assertEquals(tooLong?.code, 'ERR_CRYPTO_INVALID_KEYLEN');
  let bigInfo;
  try { crypto.hkdfSync('sha256', 'a', 'b', Buffer.alloc(1025), 10); } catch (e) { bigInfo = e; }
  assertEquals(bigInfo?.code, 'ERR_OUT_OF_RANGE');
  assertEquals(crypto.getCurves().includes('prime256v1'), true);
}
