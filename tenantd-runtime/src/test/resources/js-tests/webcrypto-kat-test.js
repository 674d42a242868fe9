// Known-answer tests of crypto.subtle's algorithms, from the RFCs and NIST publications
// that define them.
import { assert, assertEquals } from './assert.js';

const subtle = crypto.subtle;
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const bytes = (text) => new Uint8Array((text.match(/../g) ?? []).map((h) => parseInt(h, 16)));
const utf8 = (text) => new TextEncoder().encode(text);

export async function hmacMatchesRfc4231() {
  const key1 = await subtle.importKey('raw', new Uint8Array(20).fill(0x0b), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const mac1 = await subtle.sign('HMAC', key1, utf8('Hi There'));
  assertEquals(hex(mac1), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  assertEquals(await subtle.verify('HMAC', key1, mac1, utf8('Hi There')), true);
  assertEquals(await subtle.verify('HMAC', key1, mac1, utf8('Hi there')), false);
  const key512 = await subtle.importKey('raw', new Uint8Array(20).fill(0x0b), { name: 'hmac', hash: { name: 'sha-512' } }, true, ['sign']);
  assertEquals(hex(await subtle.sign({ name: 'HMAC' }, key512, utf8('Hi There'))),
    '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854');
  const jefe = await subtle.importKey('raw', utf8('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  assertEquals(hex(await subtle.sign('HMAC', jefe, utf8('what do ya want for nothing?'))),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  assertEquals(key512.algorithm.name, 'HMAC');
  assertEquals(key512.algorithm.hash.name, 'SHA-512');
  assertEquals(key512.algorithm.length, 160);
}

export async function aesGcmMatchesTheGcmSpecificationVectors() {
  // McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 1 and 2.
  const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12);
  assertEquals(hex(await subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(0))), '58e2fccefa7e3061367f1d57a4e7455a');
  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(16));
  assertEquals(hex(sealed), '0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf');
  assertEquals(hex(await subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed)), '00000000000000000000000000000000');
  // Additional data and a shorter tag take part too.
  const withAad = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8('header'), tagLength: 96 }, key, utf8('secret'));
  assertEquals(withAad.byteLength, 6 + 12);
  assertEquals(new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: utf8('header'), tagLength: 96 }, key, withAad)), 'secret');
}

export async function aesCbcAndCtrMatchSp800_38a() {
  const raw = bytes('2b7e151628aed2a6abf7158809cf4f3c');
  const plain = bytes('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51');
  const cbc = await subtle.importKey('raw', raw, 'AES-CBC', true, ['encrypt', 'decrypt']);
  const iv = bytes('000102030405060708090a0b0c0d0e0f');
  const sealed = await subtle.encrypt({ name: 'AES-CBC', iv }, cbc, plain);
  // F.2.1's two blocks, then the block of PKCS #7 padding.
  assertEquals(hex(sealed).slice(0, 64), '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2');
  assertEquals(sealed.byteLength, 48);
  assertEquals(hex(await subtle.decrypt({ name: 'AES-CBC', iv }, cbc, sealed)), hex(plain));
  const ctr = await subtle.importKey('raw', raw, 'AES-CTR', false, ['encrypt', 'decrypt']);
  const counter = bytes('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
  const streamed = await subtle.encrypt({ name: 'AES-CTR', counter, length: 64 }, ctr, plain);
  assertEquals(hex(streamed), '874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff');
  assertEquals(hex(await subtle.decrypt({ name: 'AES-CTR', counter, length: 64 }, ctr, streamed)), hex(plain));
}

export async function aesCtrCountsOnlyTheRightmostLengthBits() {
  const key = await subtle.importKey('raw', new Uint8Array(16).fill(7), 'AES-CTR', false, ['encrypt']);
  const last = new Uint8Array(16).fill(0xab);
  last[15] = 0xff;
  const wrapped = new Uint8Array(last);
  wrapped[15] = 0x00;
  const two = await subtle.encrypt({ name: 'AES-CTR', counter: last, length: 8 }, key, new Uint8Array(32));
  const first = await subtle.encrypt({ name: 'AES-CTR', counter: last, length: 8 }, key, new Uint8Array(16));
  const second = await subtle.encrypt({ name: 'AES-CTR', counter: wrapped, length: 8 }, key, new Uint8Array(16));
  // With 8 counter bits the block after ...ff is ...00 with the other bytes unchanged.
  assertEquals(hex(two), hex(first) + hex(second));
  // Wrapping inside longer data, ending in a part of a block: the three blocks before the wrap,
  // then the rest from the low bits at zero.
  const nearEnd = new Uint8Array(last);
  nearEnd[15] = 0xfd;
  const data = new Uint8Array(16 * 7 + 5).map((_, i) => i);
  const whole = await subtle.encrypt({ name: 'AES-CTR', counter: nearEnd, length: 8 }, key, data);
  const before = await subtle.encrypt({ name: 'AES-CTR', counter: nearEnd, length: 8 }, key, data.subarray(0, 48));
  const after = await subtle.encrypt({ name: 'AES-CTR', counter: wrapped, length: 8 }, key, data.subarray(48));
  assertEquals(hex(whole), hex(before) + hex(after));
}

export async function aesKwMatchesRfc3394() {
  const kek = await subtle.importKey('raw', bytes('000102030405060708090a0b0c0d0e0f'), 'AES-KW', false, ['wrapKey', 'unwrapKey']);
  const inner = await subtle.importKey('raw', bytes('00112233445566778899aabbccddeeff'), 'AES-GCM', true, ['encrypt']);
  const wrapped = await subtle.wrapKey('raw', inner, kek, 'AES-KW');
  assertEquals(hex(wrapped), '1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5');
  const back = await subtle.unwrapKey('raw', wrapped, kek, 'AES-KW', 'AES-GCM', true, ['decrypt']);
  assertEquals(hex(await subtle.exportKey('raw', back)), '00112233445566778899aabbccddeeff');
  assertEquals(back.usages.join(), 'decrypt');
}

export async function pbkdf2MatchesRfc6070AndRfc7914() {
  const password = await subtle.importKey('raw', utf8('password'), 'PBKDF2', false, ['deriveBits']);
  const derive = (iterations) => subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: utf8('salt'), iterations }, password, 160);
  assertEquals(hex(await derive(1)), '0c60c80f961f0e71f3a9b524af6012062fe037a6');
  assertEquals(hex(await derive(2)), 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957');
  assertEquals(hex(await derive(4096)), '4b007901b765489abead49d926f721d065a429c1');
  const passwd = await subtle.importKey('raw', utf8('passwd'), { name: 'PBKDF2' }, false, ['deriveBits']);
  assertEquals(hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: utf8('salt'), iterations: 1 }, passwd, 512)),
    '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783');
}

export async function hkdfMatchesRfc5869() {
  const ikm = await subtle.importKey('raw', new Uint8Array(22).fill(0x0b), 'HKDF', false, ['deriveBits']);
  assertEquals(hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: bytes('000102030405060708090a0b0c'),
    info: bytes('f0f1f2f3f4f5f6f7f8f9') }, ikm, 336)),
  '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  assertEquals(hex(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, 336)),
    '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
}

// RFC 8410's fixed PKCS #8 prefix for an Ed25519 private key.
const ED25519_PKCS8 = '302e020100300506032b657004220420';

export async function ed25519MatchesRfc8032() {
  const cases = [
    ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '',
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
    ['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72',
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
  ];
  for (const [secret, pub, message, signature] of cases) {
    const privateKey = await subtle.importKey('pkcs8', bytes(ED25519_PKCS8 + secret), 'Ed25519', true, ['sign']);
    const publicKey = await subtle.importKey('raw', bytes(pub), { name: 'Ed25519' }, true, ['verify']);
    const signed = await subtle.sign('Ed25519', privateKey, bytes(message));
    assertEquals(hex(signed), signature);
    assertEquals(await subtle.verify('Ed25519', publicKey, signed, bytes(message)), true);
    assertEquals(await subtle.verify('Ed25519', publicKey, signed, utf8('other')), false);
    // The private key's JWK carries the public key, derived from the secret.
    const jwk = await subtle.exportKey('jwk', privateKey);
    assertEquals(hex(bytesOfBase64url(jwk.x)), pub);
    assertEquals(hex(bytesOfBase64url(jwk.d)), secret);
  }
}

export async function x25519MatchesRfc7748() {
  const X25519_PKCS8 = '302e020100300506032b656e04220420';
  const alice = await subtle.importKey('pkcs8', bytes(X25519_PKCS8 + '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    'X25519', true, ['deriveBits']);
  const bob = await subtle.importKey('raw', bytes('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'), 'X25519', true, []);
  const shared = await subtle.deriveBits({ name: 'X25519', public: bob }, alice, 256);
  assertEquals(hex(shared), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  assertEquals(hex(await subtle.deriveBits({ name: 'X25519', public: bob }, alice, 12)), '4a50');
  const jwk = await subtle.exportKey('jwk', alice);
  assertEquals(hex(bytesOfBase64url(jwk.x)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  assertEquals(jwk.crv, 'X25519');
  assertEquals(jwk.kty, 'OKP');
}

function bytesOfBase64url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export async function ecdsaVerifiesASignatureMadeElsewhere() {
  // RFC 6979 A.2.5: P-256, SHA-256, message "sample", and its public key.
  const jwk = {
    kty: 'EC', crv: 'P-256',
    x: b64url('60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6'),
    y: b64url('7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299'),
  };
  const key = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  const signature = bytes('efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716'
    + 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8');
  assertEquals(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, utf8('sample')), true);
  assertEquals(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, utf8('samples')), false);
  const raw = await subtle.exportKey('raw', key);
  assertEquals(hex(raw), '04' + '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6'
    + '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299');
  assert(key.algorithm.namedCurve === 'P-256', 'the curve is kept');
}

function b64url(hexText) {
  return btoa(String.fromCharCode(...bytes(hexText))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
