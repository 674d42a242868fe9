// Every bad input to crypto.subtle's key operations gives the spec's error (as Workers
// name it), never a host exception's text.
import { assertEquals } from './assert.js';

const subtle = crypto.subtle;
const utf8 = (text) => new TextEncoder().encode(text);

// The error name each attempt rejects with, checking that no message leaks host internals.
async function outcome(attempt) {
  try {
    await attempt();
    return 'fulfilled';
  } catch (e) {
    if (/java|exception|jca|sun\./i.test(String(e.message))) throw new Error(`host text leaked: ${e.message}`);
    return e instanceof DOMException ? e.name : e instanceof TypeError ? 'TypeError' : `other ${e}`;
  }
}

async function expectAll(cases) {
  const got = [];
  const wanted = [];
  for (const [name, attempt, expected] of cases) {
    got.push(`${name}: ${await outcome(attempt)}`);
    wanted.push(`${name}: ${expected}`);
  }
  assertEquals(got.join('\n'), wanted.join('\n'));
}

const hmacKey = () => subtle.importKey('raw', utf8('key'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
const aesKey = (name, usages = ['encrypt', 'decrypt']) => subtle.importKey('raw', new Uint8Array(16), name, false, usages);

export async function usagesOutsideTheAlgorithmAreSyntaxErrors() {
  await expectAll([
    ['hmac encrypt', () => subtle.importKey('raw', utf8('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['encrypt']), 'SyntaxError'],
    ['unknown usage', () => subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['frobnicate']), 'SyntaxError'],
    ['no usages', () => subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, []), 'SyntaxError'],
    ['generate no usages', () => subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, []), 'SyntaxError'],
    ['pair without private usages', () => subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']), 'SyntaxError'],
    ['RSA pair without usages', () => subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024,
      publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, []), 'SyntaxError'],
    // The parameters are checked first, as the spec orders it.
    ['RSA pair without usages, its exponent unusable', () => subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 0]), hash: 'SHA-256' }, false, []), 'OperationError'],
    ['aes-kw encrypt', () => subtle.generateKey({ name: 'AES-KW', length: 128 }, false, ['encrypt']), 'SyntaxError'],
    ['public key sign', () => subtle.importKey('raw', new Uint8Array(32), 'Ed25519', false, ['sign']), 'SyntaxError'],
    ['extractable pbkdf2', () => subtle.importKey('raw', utf8('pw'), 'PBKDF2', true, ['deriveBits']), 'SyntaxError'],
    ['usages not a list', () => subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, 'encrypt'), 'TypeError'],
  ]);
}

export async function keysAreUsedOnlyAsTheirAlgorithmAndUsagesAllow() {
  const signOnly = await hmacKey();
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const locked = await aesKey('AES-GCM');
  const x = await subtle.generateKey('X25519', false, ['deriveBits']);
  const p384 = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, false, ['deriveBits']);
  const p256 = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  await expectAll([
    ['usage missing', () => subtle.verify('HMAC', signOnly, new Uint8Array(32), utf8('m')), 'InvalidAccessError'],
    ['other algorithm', () => subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signOnly, utf8('m')), 'InvalidAccessError'],
    ['sign with public key', () => subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, utf8('m')), 'InvalidAccessError'],
    ['export non-extractable', () => subtle.exportKey('raw', locked), 'InvalidAccessError'],
    ['export pkcs8 of public', () => subtle.exportKey('pkcs8', pair.publicKey), 'InvalidAccessError'],
    ['wrap non-extractable', async () => subtle.wrapKey('raw', locked, await aesKey('AES-KW', ['wrapKey']), 'AES-KW'), 'InvalidAccessError'],
    ['derive from public key', () => subtle.deriveBits({ name: 'X25519', public: x.publicKey }, x.publicKey, 256), 'InvalidAccessError'],
    ['public is private', () => subtle.deriveBits({ name: 'X25519', public: x.privateKey }, x.privateKey, 256), 'InvalidAccessError'],
    ['curves differ', () => subtle.deriveBits({ name: 'ECDH', public: p256.publicKey }, p384.privateKey, 128), 'InvalidAccessError'],
    ['algorithms differ', () => subtle.deriveBits({ name: 'ECDH', public: x.publicKey }, p384.privateKey, 128), 'InvalidAccessError'],
    ['not a key', () => subtle.sign('HMAC', { type: 'secret' }, utf8('m')), 'TypeError'],
    ['public not a key', () => subtle.deriveBits({ name: 'X25519', public: 'x' }, x.privateKey, 256), 'TypeError'],
    ['too many bits', () => subtle.deriveBits({ name: 'ECDH', public: p384.publicKey }, p384.privateKey, 392), 'OperationError'],
  ]);
}

export async function unknownAlgorithmsAndMalformedArgumentsAreRefused() {
  const key = await hmacKey();
  await expectAll([
    ['unknown algorithm', () => subtle.generateKey({ name: 'AES-XTS', length: 128 }, false, ['encrypt']), 'NotSupportedError'],
    ['sign with a cipher', () => subtle.sign('AES-GCM', key, utf8('m')), 'InvalidAccessError'],
    ['sign with an unknown name', () => subtle.sign('ROT13', key, utf8('m')), 'InvalidAccessError'],
    ['unknown hash', () => subtle.importKey('raw', utf8('k'), { name: 'HMAC', hash: 'SHA-3' }, false, ['sign']), 'NotSupportedError'],
    ['missing hash', () => subtle.importKey('raw', utf8('k'), { name: 'HMAC' }, false, ['sign']), 'TypeError'],
    ['missing name', () => subtle.sign({}, key, utf8('m')), 'InvalidAccessError'],
    ['algorithm null', () => subtle.sign(null, key, utf8('m')), 'TypeError'],
    ['missing name to import', () => subtle.importKey('raw', utf8('k'), {}, false, ['sign']), 'TypeError'],
    ['data not a buffer', () => subtle.sign('HMAC', key, 'message'), 'TypeError'],
    ['missing iv', async () => subtle.encrypt({ name: 'AES-GCM' }, await aesKey('AES-GCM'), utf8('m')), 'TypeError'],
    ['negative length', async () => subtle.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: -1 },
      await aesKey('AES-CTR'), utf8('m')), 'TypeError'],
    ['unknown curve', () => subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-192' }, false, ['sign']), 'NotSupportedError'],
    ['unknown format', () => subtle.importKey('pem', new Uint8Array(16), 'AES-GCM', false, ['encrypt']), 'NotSupportedError'],
    ['raw RSA', () => subtle.importKey('raw', new Uint8Array(16), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']), 'NotSupportedError'],
    ['pkcs8 AES', () => subtle.importKey('pkcs8', new Uint8Array(16), 'AES-GCM', false, ['encrypt']), 'NotSupportedError'],
    ['jwk not an object', () => subtle.importKey('jwk', 'key', 'AES-GCM', false, ['encrypt']), 'TypeError'],
    ['raw not a buffer', () => subtle.importKey('raw', 'key', 'AES-GCM', false, ['encrypt']), 'TypeError'],
    ['too few arguments', () => subtle.importKey('raw', new Uint8Array(16), 'AES-GCM'), 'TypeError'],
    ['bad exponent', () => subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: new Uint8Array([5]),
      hash: 'SHA-256' }, false, ['decrypt']), 'OperationError'],
  ]);
}

export async function rsaKeysLargerThan4096BitsAreNotGenerated() {
  let error;
  try {
    await subtle.generateKey({ name: 'RSA-PSS', modulusLength: 4104, publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256' }, false, ['sign', 'verify']);
  } catch (e) {
    error = e;
  }
  assertEquals(error.name, 'OperationError');
  assertEquals(error.message, 'tenantd generates RSA keys of at most 4096 bits (a larger key takes minutes to generate); import a larger key instead.');
}

export async function keyMaterialOfTheWrongSizeOrShapeIsADataError() {
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const spki = await subtle.exportKey('spki', pair.publicKey);
  const pkcs8 = await subtle.exportKey('pkcs8', pair.privateKey);
  const truncated = new Uint8Array(pkcs8).slice(0, 40);
  await expectAll([
    ['aes 10 bytes', () => subtle.importKey('raw', new Uint8Array(10), 'AES-GCM', false, ['encrypt']), 'DataError'],
    ['empty hmac', () => subtle.importKey('raw', new Uint8Array(0), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']), 'DataError'],
    ['hmac length mismatch', () => subtle.importKey('raw', new Uint8Array(4), { name: 'HMAC', hash: 'SHA-1', length: 64 }, false, ['sign']), 'DataError'],
    ['ed25519 31 bytes', () => subtle.importKey('raw', new Uint8Array(31), 'Ed25519', false, ['verify']), 'DataError'],
    ['ec raw garbage', () => subtle.importKey('raw', new Uint8Array(65).fill(4), { name: 'ECDH', namedCurve: 'P-256' }, false, []), 'DataError'],
    ['ec raw wrong size', () => subtle.importKey('raw', new Uint8Array(64), { name: 'ECDH', namedCurve: 'P-256' }, false, []), 'DataError'],
    ['pkcs8 garbage', () => subtle.importKey('pkcs8', utf8('not a key'), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']), 'DataError'],
    ['pkcs8 truncated', () => subtle.importKey('pkcs8', truncated, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']), 'DataError'],
    ['ec spki as rsa', () => subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']), 'DataError'],
    ['p-256 as p-384', () => subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['verify']), 'DataError'],
    ['ec pkcs8 as ed25519', () => subtle.importKey('pkcs8', pkcs8, 'Ed25519', false, ['sign']), 'DataError'],
    ['generate aes 100', () => subtle.generateKey({ name: 'AES-CBC', length: 100 }, false, ['encrypt']), 'OperationError'],
    ['derive aes 100', async () => subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: new Uint8Array() },
      await subtle.importKey('raw', utf8('ikm'), 'HKDF', false, ['deriveKey']), { name: 'AES-GCM', length: 100 }, false, ['encrypt']), 'OperationError'],
  ]);
}

export async function badJwksAreDataErrors() {
  const hmac = { name: 'HMAC', hash: 'SHA-256' };
  const k = 'c2VjcmV0LWtleQ';
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const ec = await subtle.exportKey('jwk', pair.privateKey);
  const rsa = await subtle.exportKey('jwk', (await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024,
    publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign'])).privateKey);
  const ed = await subtle.exportKey('jwk', (await subtle.generateKey('Ed25519', true, ['sign'])).privateKey);
  const otherEd = await subtle.exportKey('jwk', (await subtle.generateKey('Ed25519', true, ['sign'])).privateKey);
  const flip = (text) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
  await expectAll([
    ['no kty', () => subtle.importKey('jwk', { k }, hmac, false, ['sign']), 'DataError'],
    ['wrong kty', () => subtle.importKey('jwk', { kty: 'RSA', k }, hmac, false, ['sign']), 'DataError'],
    ['bad base64url', () => subtle.importKey('jwk', { kty: 'oct', k: 'a*b!' }, hmac, false, ['sign']), 'DataError'],
    ['lone trailing character', () => subtle.importKey('jwk', { kty: 'oct', k: 'AAAAA' }, hmac, false, ['sign']), 'DataError'],
    ['missing k', () => subtle.importKey('jwk', { kty: 'oct' }, hmac, false, ['sign']), 'DataError'],
    ['alg for another hash', () => subtle.importKey('jwk', { kty: 'oct', k, alg: 'HS512' }, hmac, false, ['sign']), 'DataError'],
    ['ext false', () => subtle.importKey('jwk', { kty: 'oct', k, ext: false }, hmac, true, ['sign']), 'DataError'],
    ['key_ops lacks usage', () => subtle.importKey('jwk', { kty: 'oct', k, key_ops: ['verify'] }, hmac, false, ['sign']), 'DataError'],
    ['use enc for hmac', () => subtle.importKey('jwk', { kty: 'oct', k, use: 'enc' }, hmac, false, ['sign']), 'DataError'],
    ['aes alg for other length', () => subtle.importKey('jwk', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', alg: 'A256GCM' }, 'AES-GCM', false, ['encrypt']), 'DataError'],
    ['ec crv mismatch', () => subtle.importKey('jwk', ec, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']), 'DataError'],
    ['ec point off curve', () => subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: ec.x, y: flip(ec.y) },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']), 'DataError'],
    ['ec d for other point', () => subtle.importKey('jwk', { ...ec, d: flip(ec.d) }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']), 'DataError'],
    ['ec short x', () => subtle.importKey('jwk', { ...ec, x: ec.x.slice(4) }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']), 'DataError'],
    ['rsa n not pq', () => subtle.importKey('jwk', { ...rsa, p: rsa.q, q: flip(rsa.p) }, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']), 'DataError'],
    ['rsa missing dq', () => subtle.importKey('jwk', { ...rsa, dq: undefined }, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']), 'DataError'],
    ['rsa alg PS256', () => subtle.importKey('jwk', rsa, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']), 'DataError'],
    ['okp x of another key', () => subtle.importKey('jwk', { ...ed, x: otherEd.x }, 'Ed25519', false, ['sign']), 'DataError'],
    ['okp wrong crv', () => subtle.importKey('jwk', { ...ed, crv: 'X25519' }, 'Ed25519', false, ['sign']), 'DataError'],
    ['okp short d', () => subtle.importKey('jwk', { ...ed, d: ed.d.slice(2) }, 'Ed25519', false, ['sign']), 'DataError'],
  ]);
}

export async function badCipherParametersAndTamperedDataAreOperationErrors() {
  const gcm = await aesKey('AES-GCM');
  const cbc = await aesKey('AES-CBC');
  const ctr = await aesKey('AES-CTR');
  const iv = new Uint8Array(12);
  const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, gcm, utf8('hello')));
  const tampered = new Uint8Array(sealed);
  tampered[tampered.length - 1] ^= 1;
  const cbcSealed = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, cbc, utf8('hello')));
  const kw = await aesKey('AES-KW', ['wrapKey', 'unwrapKey']);
  const otherKw = await subtle.importKey('raw', new Uint8Array(16).fill(1), 'AES-KW', false, ['unwrapKey']);
  const wrapped = await subtle.wrapKey('raw', await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['encrypt']), kw, 'AES-KW');
  const ed = await subtle.generateKey('Ed25519', false, ['sign', 'verify']);
  const x = await subtle.generateKey('X25519', false, ['deriveBits']);
  const zeroPoint = await subtle.importKey('raw', new Uint8Array(32), 'X25519', false, []);
  const hkdf = await subtle.importKey('raw', utf8('ikm'), 'HKDF', false, ['deriveBits']);
  const pbkdf2 = await subtle.importKey('raw', utf8('pw'), 'PBKDF2', false, ['deriveBits']);
  const gcmJwk = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['unwrapKey']);
  const notJson = await subtle.encrypt({ name: 'AES-GCM', iv }, gcm, utf8('{not json'));
  await expectAll([
    ['tampered tag', () => subtle.decrypt({ name: 'AES-GCM', iv }, gcm, tampered), 'OperationError'],
    ['other iv', () => subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12).fill(1) }, gcm, sealed), 'OperationError'],
    ['shorter than tag', () => subtle.decrypt({ name: 'AES-GCM', iv }, gcm, sealed.slice(0, 10)), 'OperationError'],
    ['bad tag length', () => subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 100 }, gcm, utf8('m')), 'OperationError'],
    ['empty gcm iv', () => subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(0) }, gcm, utf8('m')), 'OperationError'],
    ['cbc iv 8 bytes', () => subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(8) }, cbc, utf8('m')), 'OperationError'],
    ['cbc bad padding', () => subtle.decrypt({ name: 'AES-CBC', iv: new Uint8Array(16).fill(0x80) }, cbc, cbcSealed), 'OperationError'],
    ['cbc partial block', () => subtle.decrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, cbc, cbcSealed.slice(0, 10)), 'OperationError'],
    ['ctr counter 8 bytes', () => subtle.encrypt({ name: 'AES-CTR', counter: new Uint8Array(8), length: 64 }, ctr, utf8('m')), 'OperationError'],
    ['ctr length 0', () => subtle.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: 0 }, ctr, utf8('m')), 'OperationError'],
    ['ctr counter repeats', () => subtle.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: 1 }, ctr, new Uint8Array(48)), 'OperationError'],
    ['kw other key', () => subtle.unwrapKey('raw', wrapped, otherKw, 'AES-KW', 'AES-GCM', false, ['encrypt']), 'OperationError'],
    ['kw short', () => subtle.unwrapKey('raw', new Uint8Array(16), kw, 'AES-KW', 'AES-GCM', false, ['encrypt']), 'OperationError'],
    ['ed25519 short signature', () => subtle.verify('Ed25519', ed.publicKey, new Uint8Array(63), utf8('m')), 'OperationError'],
    ['x25519 small order', () => subtle.deriveBits({ name: 'X25519', public: zeroPoint }, x.privateKey, 256), 'OperationError'],
    ['hkdf no length', () => subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: new Uint8Array() }, hkdf), 'OperationError'],
    ['hkdf odd length', () => subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: new Uint8Array() }, hkdf, 12), 'OperationError'],
    ['hkdf too long', () => subtle.deriveBits({ name: 'HKDF', hash: 'SHA-1', salt: new Uint8Array(), info: new Uint8Array() }, hkdf, 255 * 160 + 8), 'OperationError'],
    ['pbkdf2 too many iterations', () => subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(), iterations: 100001 },
      pbkdf2, 256), 'NotSupportedError'],
    ['pbkdf2 too long', () => subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: new Uint8Array(), iterations: 1 }, pbkdf2, 255 * 160 + 8),
      'OperationError'],
    ['pbkdf2 no iterations', () => subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(), iterations: 0 }, pbkdf2, 256), 'OperationError'],
    ['unwrap jwk not json', () => subtle.unwrapKey('jwk', notJson, gcmJwk, { name: 'AES-GCM', iv }, 'AES-GCM', false, ['encrypt']), 'DataError'],
  ]);
  // A signature of the wrong size for ECDSA verifies nothing rather than failing.
  const ecdsa = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  assertEquals(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, ecdsa.publicKey, new Uint8Array(10), utf8('m')), false);
}

export async function aJwkMemberLongerThanAnyKeyNeedsIsRefusedBeforeTheHostCopiesIt() {
  const long = 'A'.repeat(70000);
  const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  let message = '';
  try {
    await subtle.importKey('jwk', { kty: 'RSA', n: long, e: 'AQAB' }, rsa, false, ['verify']);
  } catch (e) {
    message = `${e.name}: ${e.message}`;
  }
  assertEquals(message, 'DataError: The n parameter is too long: the parameters of an operation take at most 65536 '
    + 'characters together.');
  await expectAll([
    ['an HMAC key of 60,000 base64url characters', () => subtle.importKey('jwk', { kty: 'oct', k: 'A'.repeat(60000) },
      { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), 'fulfilled'],
    ['an EC point past the limit', () => subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: long, y: 'AA' },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']), 'DataError'],
  ]);
}
