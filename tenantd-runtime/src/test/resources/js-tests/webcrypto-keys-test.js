// Web Crypto key round trips: keys generated, used, exported in every format and imported
// again (by the same or another algorithm), wrapped and unwrapped, derived.
import { assert, assertEquals, assertRejects } from './assert.js';

const subtle = crypto.subtle;
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const utf8 = (text) => new TextEncoder().encode(text);
const message = utf8('attack at dawn');

export async function cryptoKeyIsOnlyMadeByTheRuntime() {
  let threw = false;
  try {
    new CryptoKey();
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assert(threw, 'CryptoKey is not constructible');
  const key = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify', 'sign']);
  assert(key instanceof CryptoKey, 'a CryptoKey');
  assertEquals(Object.prototype.toString.call(key), '[object CryptoKey]');
  assertEquals(key.type, 'secret');
  assertEquals(key.extractable, false);
  assertEquals(key.usages.join(), 'sign,verify');
  assertEquals(key.algorithm.length, 512);
  // As in Workers, the four attributes are the instance's own; nothing else is reachable.
  assertEquals(Object.getOwnPropertyNames(key).join(), 'usages,algorithm,extractable,type');
  assertEquals(JSON.stringify(key),
    '{"usages":["sign","verify"],"algorithm":{"name":"HMAC","hash":{"name":"SHA-256"},"length":512},"extractable":false,"type":"secret"}');
  // Changing what the key shows changes nothing about the key.
  key.algorithm.hash.name = 'SHA-1';
  key.usages.push('encrypt');
  const mac = await subtle.sign('HMAC', key, message);
  assertEquals(mac.byteLength, 32);
  await assertRejects(subtle.exportKey('raw', key), DOMException, 'InvalidAccessError');
  // As in Workers, a key cannot be cloned (and so not posted or stored).
  let cloneError = '';
  try {
    structuredClone(key);
  } catch (e) {
    cloneError = e.name;
  }
  assertEquals(cloneError, 'DataCloneError');
}

export async function rsaPkcs1KeysSignVerifyAndTravelInEveryFormat() {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const { publicKey, privateKey } = await subtle.generateKey(algorithm, true, ['sign', 'verify']);
  assertEquals(publicKey.type, 'public');
  assertEquals(privateKey.type, 'private');
  assertEquals(publicKey.usages.join(), 'verify');
  assertEquals(privateKey.usages.join(), 'sign');
  assertEquals(privateKey.algorithm.modulusLength, 2048);
  assertEquals(hex(privateKey.algorithm.publicExponent), '010001');
  assertEquals(privateKey.algorithm.hash.name, 'SHA-256');
  const signature = await subtle.sign('RSASSA-PKCS1-v1_5', privateKey, message);
  assertEquals(signature.byteLength, 256);
  assertEquals(await subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, message), true);
  assertEquals(await subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, utf8('attack at dusk')), false);
  // PKCS #1 v1.5 signatures are deterministic: the re-imported keys give the same one.
  const pkcs8 = await subtle.exportKey('pkcs8', privateKey);
  const spki = await subtle.exportKey('spki', publicKey);
  const fromPkcs8 = await subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
  assertEquals(hex(await subtle.sign('RSASSA-PKCS1-v1_5', fromPkcs8, message)), hex(signature));
  const fromSpki = await subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
  assertEquals(await subtle.verify('RSASSA-PKCS1-v1_5', fromSpki, signature, message), true);
  assertEquals(fromSpki.algorithm.modulusLength, 2048);
  const jwk = await subtle.exportKey('jwk', privateKey);
  assertEquals(jwk.kty, 'RSA');
  assertEquals(jwk.alg, 'RS256');
  assertEquals(jwk.e, 'AQAB');
  assertEquals(jwk.key_ops.join(), 'sign');
  assertEquals(jwk.ext, true);
  for (const member of ['n', 'd', 'p', 'q', 'dp', 'dq', 'qi']) assert(/^[A-Za-z0-9_-]+$/.test(jwk[member]), member);
  // Members spelled in standard base64 with padding are taken too, as Workers take them.
  const standard = (text) => text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const spelled = await subtle.importKey('jwk', { ...jwk, n: standard(jwk.n), qi: standard(jwk.qi) },
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  assertEquals(hex(await subtle.sign('RSASSA-PKCS1-v1_5', spelled, message)), hex(signature));
  const fromJwk = await subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  assertEquals(hex(await subtle.sign('RSASSA-PKCS1-v1_5', fromJwk, message)), hex(signature));
  const publicJwk = await subtle.exportKey('jwk', publicKey);
  assertEquals(publicJwk.d, undefined);
  assertEquals(publicJwk.n, jwk.n);
  // The same key material, consumed by another algorithm once its "alg" is dropped.
  delete jwk.alg;
  const pss = await subtle.importKey('jwk', jwk, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
  const pssPublic = await subtle.importKey('spki', spki, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
  const pssSignature = await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pss, message);
  assertEquals(await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pssPublic, pssSignature, message), true);
  assertEquals(await subtle.verify({ name: 'RSA-PSS', saltLength: 20 }, pssPublic, pssSignature, message), false);
}

export async function rsaOaepEncryptsWithTheLabelItIsGiven() {
  const { publicKey, privateKey } = await subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
  assertEquals(publicKey.usages.join(), 'encrypt,wrapKey');
  assertEquals(privateKey.usages.join(), 'decrypt,unwrapKey');
  const label = utf8('v1');
  const sealed = await subtle.encrypt({ name: 'RSA-OAEP', label }, publicKey, message);
  assertEquals(new TextDecoder().decode(await subtle.decrypt({ name: 'RSA-OAEP', label }, privateKey, sealed)), 'attack at dawn');
  await assertRejects(subtle.decrypt({ name: 'RSA-OAEP', label: utf8('v2') }, privateKey, sealed), DOMException, 'OperationError');
  await assertRejects(subtle.decrypt('RSA-OAEP', privateKey, sealed), DOMException, 'OperationError');
  const jwk = await subtle.exportKey('jwk', publicKey);
  assertEquals(jwk.alg, 'RSA-OAEP-256');
  // An AES key wrapped with RSA-OAEP comes back whole.
  const aes = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  const wrapped = await subtle.wrapKey('raw', aes, publicKey, { name: 'RSA-OAEP' });
  const unwrapped = await subtle.unwrapKey('raw', wrapped, privateKey, 'RSA-OAEP', 'AES-GCM', true, ['decrypt']);
  assertEquals(hex(await subtle.exportKey('raw', unwrapped)), hex(await subtle.exportKey('raw', aes)));
}

export async function ecdsaKeysOnEveryCurveSignAndTravelInEveryFormat() {
  for (const [namedCurve, hash, size] of [['P-256', 'SHA-256', 32], ['P-384', 'SHA-384', 48], ['P-521', 'SHA-512', 66]]) {
    const { publicKey, privateKey } = await subtle.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
    assertEquals(publicKey.algorithm.namedCurve, namedCurve);
    const signature = await subtle.sign({ name: 'ECDSA', hash }, privateKey, message);
    assertEquals(signature.byteLength, 2 * size, namedCurve);
    assertEquals(await subtle.verify({ name: 'ECDSA', hash }, publicKey, signature, message), true);
    const raw = await subtle.exportKey('raw', publicKey);
    assertEquals(raw.byteLength, 1 + 2 * size);
    const spki = await subtle.exportKey('spki', publicKey);
    const jwk = await subtle.exportKey('jwk', privateKey);
    assertEquals(jwk.kty, 'EC');
    assertEquals(jwk.crv, namedCurve);
    assertEquals(jwk.alg, undefined);
    const pkcs8 = await subtle.exportKey('pkcs8', privateKey);
    for (const [format, data] of [['raw', raw], ['spki', spki]]) {
      const key = await subtle.importKey(format, data, { name: 'ECDSA', namedCurve }, true, ['verify']);
      assertEquals(await subtle.verify({ name: 'ECDSA', hash }, key, signature, message), true, `${namedCurve} ${format}`);
      assertEquals(hex(await subtle.exportKey('raw', key)), hex(raw));
    }
    for (const [format, data] of [['pkcs8', pkcs8], ['jwk', jwk]]) {
      const key = await subtle.importKey(format, data, { name: 'ECDSA', namedCurve }, true, ['sign']);
      const again = await subtle.sign({ name: 'ECDSA', hash }, key, message);
      assertEquals(await subtle.verify({ name: 'ECDSA', hash }, publicKey, again, message), true, `${namedCurve} ${format}`);
      // A private key from PKCS #8 gives the same JWK, public point included.
      assertEquals(JSON.stringify(await subtle.exportKey('jwk', key)), JSON.stringify(jwk));
    }
    const publicJwk = await subtle.exportKey('jwk', publicKey);
    assertEquals(publicJwk.x, jwk.x);
    assertEquals(publicJwk.y, jwk.y);
    assertEquals(publicJwk.d, undefined);
  }
}

export async function ecdhAndX25519AgreeOnTheSameSecret() {
  for (const [algorithm, bits] of [[{ name: 'ECDH', namedCurve: 'P-256' }, 256], [{ name: 'ECDH', namedCurve: 'P-384' }, 384],
    [{ name: 'ECDH', namedCurve: 'P-521' }, 528], [{ name: 'X25519' }, 256]]) {
    const alice = await subtle.generateKey(algorithm, true, ['deriveBits', 'deriveKey']);
    const bob = await subtle.generateKey(algorithm, true, ['deriveBits']);
    assertEquals(alice.publicKey.usages.length, 0);
    const one = await subtle.deriveBits({ name: algorithm.name, public: bob.publicKey }, alice.privateKey, null);
    const two = await subtle.deriveBits({ name: algorithm.name, public: alice.publicKey }, bob.privateKey);
    assertEquals(one.byteLength * 8, bits, algorithm.name);
    assertEquals(hex(one), hex(two));
    // A key for AES-GCM, derived on one side, decrypts what the other side's secret sealed.
    const derived = await subtle.deriveKey({ name: algorithm.name, public: bob.publicKey }, alice.privateKey,
      { name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
    assertEquals(hex(await subtle.exportKey('raw', derived)), hex(one).slice(0, 32));
    // The public key travels as raw bytes and still agrees.
    const raw = await subtle.exportKey('raw', bob.publicKey);
    const imported = await subtle.importKey('raw', raw, algorithm, true, []);
    assertEquals(hex(await subtle.deriveBits({ name: algorithm.name, public: imported }, alice.privateKey, 128)), hex(one).slice(0, 32));
  }
}

export async function ed25519KeysSignAndTravelInEveryFormat() {
  const { publicKey, privateKey } = await subtle.generateKey('Ed25519', true, ['sign', 'verify']);
  assertEquals(privateKey.algorithm.name, 'Ed25519');
  const signature = await subtle.sign('Ed25519', privateKey, message);
  assertEquals(signature.byteLength, 64);
  const jwk = await subtle.exportKey('jwk', privateKey);
  assertEquals(jwk.crv, 'Ed25519');
  assertEquals(jwk.kty, 'OKP');
  const fromJwk = await subtle.importKey('jwk', jwk, 'Ed25519', true, ['sign']);
  // Ed25519 is deterministic: the same key gives the same signature.
  assertEquals(hex(await subtle.sign('Ed25519', fromJwk, message)), hex(signature));
  const fromPkcs8 = await subtle.importKey('pkcs8', await subtle.exportKey('pkcs8', privateKey), 'Ed25519', true, ['sign']);
  assertEquals(hex(await subtle.sign('Ed25519', fromPkcs8, message)), hex(signature));
  const spki = await subtle.exportKey('spki', publicKey);
  assertEquals(spki.byteLength, 44);
  const fromSpki = await subtle.importKey('spki', spki, 'Ed25519', true, ['verify']);
  assertEquals(await subtle.verify('Ed25519', fromSpki, signature, message), true);
  const publicJwk = await subtle.exportKey('jwk', publicKey);
  assertEquals(publicJwk.x, jwk.x);
  const fromPublicJwk = await subtle.importKey('jwk', publicJwk, { name: 'Ed25519' }, true, ['verify']);
  assertEquals(hex(await subtle.exportKey('raw', fromPublicJwk)), hex(await subtle.exportKey('raw', publicKey)));
}

export async function workersLegacyNodeEd25519IsEd25519UnderAnotherName() {
  const { publicKey, privateKey } = await subtle.generateKey({ name: 'NODE-ED25519', namedCurve: 'NODE-ED25519' }, true,
    ['sign', 'verify']);
  assertEquals(privateKey.algorithm.name, 'NODE-ED25519');
  assertEquals(privateKey.algorithm.namedCurve, 'NODE-ED25519');
  const signature = await subtle.sign('NODE-ED25519', privateKey, message);
  const standard = await subtle.importKey('raw', await subtle.exportKey('raw', publicKey), 'Ed25519', false, ['verify']);
  assertEquals(await subtle.verify('Ed25519', standard, signature, message), true);
  await assertRejects(subtle.verify('Ed25519', publicKey, signature, message), DOMException, 'InvalidAccessError');
  await assertRejects(subtle.generateKey({ name: 'NODE-ED25519', namedCurve: 'P-256' }, true, ['sign']), DOMException, 'NotSupportedError');
}

export async function secretKeysTravelAsRawAndJwk() {
  const hmac = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-384' }, true, ['sign']);
  const jwk = await subtle.exportKey('jwk', hmac);
  assertEquals(jwk.kty, 'oct');
  assertEquals(jwk.alg, 'HS384');
  assertEquals(jwk.key_ops.join(), 'sign');
  const again = await subtle.importKey('jwk', jwk, { name: 'HMAC', hash: 'SHA-384' }, true, ['sign']);
  assertEquals(hex(await subtle.sign('HMAC', again, message)), hex(await subtle.sign('HMAC', hmac, message)));
  // Standard base64 with padding is taken too, as Workers take it.
  const padded = await subtle.importKey('jwk', { kty: 'oct', k: btoa('\u00fb\u00ff' + 'x'.repeat(14)) }, 'AES-CBC', true, ['encrypt']);
  assertEquals(hex(await subtle.exportKey('raw', padded)).slice(0, 6), 'fbff78');
  for (const [name, length, alg] of [['AES-GCM', 128, 'A128GCM'], ['AES-CBC', 192, 'A192CBC'], ['AES-CTR', 256, 'A256CTR'], ['AES-KW', 256, 'A256KW']]) {
    const usages = name === 'AES-KW' ? ['wrapKey'] : ['encrypt'];
    const key = await subtle.generateKey({ name, length }, true, usages);
    assertEquals(key.algorithm.length, length);
    const exported = await subtle.exportKey('jwk', key);
    assertEquals(exported.alg, alg);
    const back = await subtle.importKey('jwk', exported, name, true, usages);
    assertEquals(hex(await subtle.exportKey('raw', back)), hex(await subtle.exportKey('raw', key)));
  }
}

export async function keysWrapAsJwkAndUnwrapWithTheirUsages() {
  const wrapping = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  const { privateKey } = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await subtle.wrapKey('jwk', privateKey, wrapping, { name: 'AES-GCM', iv });
  const unwrapped = await subtle.unwrapKey('jwk', wrapped, wrapping, { name: 'AES-GCM', iv },
    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  assertEquals(unwrapped.extractable, false);
  assertEquals(unwrapped.type, 'private');
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, unwrapped, message);
  const publicJwk = await subtle.exportKey('jwk', privateKey);
  delete publicJwk.d;
  const verifier = await subtle.importKey('jwk', { ...publicJwk, key_ops: ['verify'] }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  assertEquals(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, verifier, signature, message), true);
  // A tampered wrapping does not unwrap.
  const tampered = new Uint8Array(wrapped);
  tampered[5] ^= 1;
  await assertRejects(subtle.unwrapKey('jwk', tampered, wrapping, { name: 'AES-GCM', iv },
    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']), DOMException, 'OperationError');
}

export async function pbkdf2DerivesAnAesKeyFromAPassword() {
  const password = await subtle.importKey('raw', utf8('correct horse battery staple'), 'PBKDF2', false, ['deriveKey']);
  const salt = utf8('pepper');
  const derive = () => subtle.deriveKey({ name: 'PBKDF2', salt, iterations: 1000, hash: 'SHA-256' }, password,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const one = await derive();
  const two = await derive();
  const iv = new Uint8Array(12);
  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv }, one, message);
  assertEquals(new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv }, two, sealed)), 'attack at dawn');
  assertEquals(one.algorithm.length, 256);
  const hmac = await subtle.deriveKey({ name: 'PBKDF2', salt, iterations: 1, hash: 'SHA-1' }, password,
    { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
  assertEquals(hmac.algorithm.length, 512);
  assertEquals((await subtle.exportKey('raw', hmac)).byteLength, 64);
}

export async function digestStreamHashesWhatIsWrittenToIt() {
  const stream = new crypto.DigestStream('SHA-256');
  assert(stream instanceof WritableStream, 'a WritableStream');
  const writer = stream.getWriter();
  await writer.write(utf8('a'));
  await writer.write(utf8('b').buffer);
  await writer.write(new DataView(utf8('c').buffer));
  await writer.close();
  assertEquals(hex(await stream.digest), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const piped = new crypto.DigestStream({ name: 'SHA-1' });
  await new Blob(['ab', 'c']).stream().pipeTo(piped);
  assertEquals(hex(await piped.digest), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  let threw = '';
  try {
    new crypto.DigestStream('SHA-3');
  } catch (e) {
    threw = e.name;
  }
  assertEquals(threw, 'NotSupportedError');
  // Strings are hashed as UTF-8; other chunks error the stream and its digest.
  const texts = new crypto.DigestStream('SHA-256');
  const textWriter = texts.getWriter();
  await textWriter.write('ab');
  await textWriter.write(utf8('c'));
  await textWriter.close();
  assertEquals(hex(await texts.digest), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assertEquals(texts.bytesWritten, 3n);
  const refusing = new crypto.DigestStream('SHA-256');
  const refusingWriter = refusing.getWriter();
  await assertRejects(refusingWriter.write(42), TypeError);
  await assertRejects(refusing.digest, TypeError);
  // Workers' CRCs: the check values of "123456789".
  for (const [name, check] of [['crc32', 'cbf43926'], ['crc32c', 'e3069283']]) {
    const crc = new crypto.DigestStream(name);
    const writer = crc.getWriter();
    await writer.write(utf8('1234'));
    await writer.write(utf8('56789'));
    await writer.close();
    assertEquals(hex(await crc.digest), check, name);
  }
}

export async function aesGcmTagsOf32And64BitsAreTheFullTagsLeadingBits() {
  const key = await subtle.importKey('raw', new Uint8Array(32).map((_, i) => i), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12).fill(7);
  const additionalData = utf8('header');
  const full = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, message));
  for (const tagLength of [32, 64]) {
    const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData, tagLength }, key, message));
    assertEquals(sealed.length, message.length + tagLength / 8, `length with a ${tagLength}-bit tag`);
    assertEquals(hex(sealed), hex(full.subarray(0, message.length + tagLength / 8)), `the full tag cut to ${tagLength} bits`);
    const opened = await subtle.decrypt({ name: 'AES-GCM', iv, additionalData, tagLength }, key, sealed);
    assertEquals(new TextDecoder().decode(opened), 'attack at dawn');
    for (const at of [0, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[at] ^= 1;
      await assertRejects(() => subtle.decrypt({ name: 'AES-GCM', iv, additionalData, tagLength }, key, tampered),
        DOMException, 'OperationError');
    }
    await assertRejects(() => subtle.decrypt({ name: 'AES-GCM', iv, additionalData: utf8('other'), tagLength }, key, sealed),
      DOMException, 'OperationError');
    const empty = await subtle.encrypt({ name: 'AES-GCM', iv, tagLength }, key, new Uint8Array(0));
    assertEquals(new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv, tagLength }, key, empty)).length, 0);
  }
}

export async function anImportedPublicKeyIsAsExtractableAsAsked() {
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  assertEquals(pair.publicKey.extractable, true, 'a generated public key is always extractable');
  const spki = await subtle.exportKey('spki', pair.publicKey);
  const kept = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  assertEquals(kept.extractable, false);
  await assertRejects(() => subtle.exportKey('spki', kept), DOMException, 'InvalidAccessError');
  const open = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  assertEquals(hex(await subtle.exportKey('spki', open)), hex(spki));
}

export async function anEcPublicKeyInSpkiWithACompressedPointImports() {
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  // 30 59 | 30 13 <id-ecPublicKey, P-256> | 03 42 00 04 x y  becomes  30 39 | 30 13 <...> | 03 22 00 02/03 x
  const algorithm = spki.subarray(2, 2 + 21);
  const compressed = new Uint8Array([0x30, 0x39, ...algorithm, 0x03, 0x22, 0x00, 2 + (raw[64] & 1), ...raw.subarray(1, 33)]);
  const key = await subtle.importKey('spki', compressed, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  assertEquals(hex(await subtle.exportKey('raw', key)), hex(raw), 'the same point');
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, message);
  assert(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, message), 'verifies the pair\'s signature');
  await assertRejects(subtle.importKey('spki', compressed, { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']),
    DOMException, 'DataError');
  const beyondTheField = compressed.slice();
  beyondTheField.fill(0xff, 27); // x larger than the curve's prime
  await assertRejects(subtle.importKey('spki', beyondTheField, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
    DOMException, 'DataError');
}
