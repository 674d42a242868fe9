// Web Crypto in a worker deployed by wrangler 4.86: hono's JWT helpers (a library real workers
// use) sign and verify HS256, ES256 and RS256 tokens through crypto.subtle, with keys generated
// in the worker and moved as JWKs, and refuse a tampered token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hit, modulesDir, project, show, startTenantd, wrangler } from './helpers.mjs';

const WORKER = `import { sign, verify } from 'hono/jwt';

export default {
  async fetch() {
    const secret = 'compat-secret';
    const token = await sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60 }, secret, 'HS256');
    const hs = await verify(token, secret, 'HS256');
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const es = await sign({ sub: 'bob' }, await crypto.subtle.exportKey('jwk', pair.privateKey), 'ES256');
    const esPayload = await verify(es, await crypto.subtle.exportKey('jwk', pair.publicKey), 'ES256');
    const rsa = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const rs = await sign({ sub: 'carol' }, await crypto.subtle.exportKey('jwk', rsa.privateKey), 'RS256');
    const rsPayload = await verify(rs, await crypto.subtle.exportKey('jwk', rsa.publicKey), 'RS256');
    let tampered = 'accepted';
    try {
      await verify(token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA'), secret, 'HS256');
    } catch {
      tampered = 'refused';
    }
    return Response.json({ hs: hs.sub, es: esPayload.sub, rs: rsPayload.sub, tampered });
  },
};
`;

describe('Web Crypto in a deployed worker', () => {
  let server;
  before(async () => { server = await startTenantd(); });
  after(async () => { await server?.stop(); });

  test("hono's JWT helpers sign and verify HS256, ES256 and RS256 tokens", async () => {
    const dir = project({
      'wrangler.toml': 'name = "jwt"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
      'index.js': WORKER,
    });
    // wrangler bundles hono from the compat suite's pinned packages.
    fs.symlinkSync(modulesDir, path.join(dir, 'node_modules'), 'dir');
    const deployed = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(deployed.code, 0, show(deployed));
    const res = await hit(server, 'jwt.localhost', '/');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.text), { hs: 'alice', es: 'bob', rs: 'carol', tampered: 'refused' });
  });
});
