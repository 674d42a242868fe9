// Writes fixtures/jose.json: fixed keys (fresh ones each time this runs) and the tokens Node's
// jose (on OpenSSL) makes with them, which the workers must reproduce or accept.
//   node packages/tools/make-fixtures.mjs    (from the repo root, after npm ci in packages/)
// Run it only to replace the keys; the suite's expectations follow from the file it writes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'jose.json');
const claims = { sub: 'alice', role: 'admin', iat: 1767225600, exp: 4102444800, iss: 'tenantd-packages' };

const keys = {};
for (const [alg, opts] of [['RS256', { modulusLength: 2048 }], ['ES256', {}], ['EdDSA', { crv: 'Ed25519' }]]) {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { ...opts, extractable: true });
  const kid = `${alg.toLowerCase()}-1`;
  keys[alg] = { private: { ...(await jose.exportJWK(privateKey)), kid, alg }, public: { ...(await jose.exportJWK(publicKey)), kid, alg } };
}
const hsSecret = 'tenantd-packages-hs256-secret-0123456789abcdef';

const tokens = {};
tokens.HS256 = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(hsSecret));
for (const alg of ['RS256', 'ES256', 'EdDSA']) {
  const key = await jose.importJWK(keys[alg].private, alg);
  tokens[alg] = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: keys[alg].private.kid, typ: 'JWT' }).sign(key);
}

fs.writeFileSync(out, JSON.stringify({ claims, hsSecret, keys, tokens }, null, 2) + '\n');
console.log(`wrote ${out}`);
