// The suite's cases. Each calls one worker through the dispatcher and returns what it saw, made
// comparable (JSON); `expect` is the right answer, written here or computed under Node by an
// independent implementation (OpenSSL's HMAC, the AWS SDK on Node's crypto). A case passes
// only when what it saw deep-equals what is expected.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';
import WebSocket from 'ws';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { presignInput } from './s3-input.mjs';
import { expectedPage, expectedRewrite } from './origin.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fx = JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'jose.json'), 'utf8'));

const text = (r) => ({ status: r.status, body: r.body.toString('utf8') });
const json = (r) => {
  const body = r.body.toString('utf8');
  try { return { status: r.status, json: JSON.parse(body) }; } catch { return { status: r.status, body }; }
};
/** The start of a failed answer's body, so a report says why instead of only a hash. */
const failure = (r) => (r.status === 200 ? {} : { answer: r.body.subarray(0, 300).toString('utf8') });
const header = (alg) => (alg === 'HS256' ? { alg, typ: 'JWT' } : { alg, kid: fx.keys[alg].private.kid, typ: 'JWT' });
const BAD_SIGNATURE = { status: 200, json: { error: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' } };

/** A WebSocket client through the dispatcher: messages queue up, `next()` waits for the following one. */
export function wsClient(port, host, pathAndQuery) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${pathAndQuery}`, { headers: { host }, handshakeTimeout: 15_000 });
  const queue = [];
  const waiters = [];
  const deliver = (item) => { const w = waiters.shift(); if (w) w(item); else queue.push(item); };
  ws.on('message', (data, isBinary) => deliver(isBinary ? { binary: [...data] } : String(data)));
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const opened = new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    opened,
    closed,
    send: (d) => ws.send(d),
    close: (code, reason) => ws.close(code, reason),
    next: (timeoutMs = 15_000) => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no message within 15 s')), timeoutMs);
      waiters.push((m) => { clearTimeout(t); resolve(m); });
    })),
    terminate: () => ws.terminate(),
  };
}

async function joseCase(t, alg) {
  const signed = await t.call('jose', `/sign/${alg}`);
  return {
    sign: alg === 'ES256' ? json(signed) : text(signed),
    verify: json(await t.call('jose', `/verify/${alg}`)),
    tampered: json(await t.call('jose', `/tampered/${alg}`)),
  };
}
const joseExpected = (alg) => ({
  sign: alg === 'ES256'
    ? { status: 200, json: { parts: 3, payload: fx.claims, protectedHeader: header(alg) } }
    : { status: 200, body: fx.tokens[alg] },
  verify: { status: 200, json: { payload: fx.claims, protectedHeader: header(alg) } },
  tampered: BAD_SIGNATURE,
});

const LINES = Array.from({ length: 2000 }, (_, i) => `line ${i} of the compressed answer`).join('\n');
const GZIP_TEXT = Array.from({ length: 512 }, (_, i) => `row ${String(i).padStart(4, '0')}: the quick brown fox\n`).join('').padEnd(16384, '.');
const gunzip = (r) => {
  try { return zlib.gunzipSync(r.body).toString('utf8'); } catch (e) { return `not gzip: ${e.message}: ${r.body.toString('utf8').slice(0, 200)}`; }
};
/** How many gzip layers wrap `text` in the body (0 when it is the text itself, null when it never is). */
function gzipLayers(body, text) {
  for (let n = 0; n < 4; n++) {
    if (body.toString('utf8') === text) return n;
    try { body = zlib.gunzipSync(body); } catch { return null; }
  }
  return null;
}

const stripeEvent = (amount) => JSON.stringify({
  id: 'evt_test_tenantd', object: 'event', type: 'payment_intent.succeeded', api_version: '2025-01-27.acacia',
  data: { object: { id: 'pi_tenantd', object: 'payment_intent', amount, currency: 'eur' } },
}, null, 2);
const WEBHOOK_SECRET = 'whsec_tenantd_packages_0123456789abcdef';
/** Stripe's signature header, computed with Node's own HMAC (Stripe's scheme: HMAC-SHA256 of `t.payload`). */
function stripeHeader(payload) {
  const t = Math.floor(Date.now() / 1000);
  const v1 = crypto.createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${payload}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

const SSE = [1, 2, 3, 4, 5].map((i) => `id: ${i}\nevent: tick\ndata: ${JSON.stringify({ i, square: i * i })}\n\n`).join('') + 'event: done\ndata: bye\n\n';

// Argon2id of PASSWORD with the salt "tenantd-salt-16b", 3 iterations, 1024 KiB, one lane, 32 bytes,
// as the reference implementation (phc-winner-argon2's argon2 command, Debian's package) encodes it.
const PASSWORD = 'tenantd-password';
const ARGON2_HASH = '$argon2id$v=19$m=1024,t=3,p=1$dGVuYW50ZC1zYWx0LTE2Yg$C1pdEustgCro4fvqc5nfd4WmEaIU9nea7AYH9rcjA1o';
// The same password and salt with 2 MiB and two passes (`argon2 tenantd-salt-16b -id -m 11 -t 2 -p 1 -l 32 -e`).
const ARGON2_UPGRADED = '$argon2id$v=19$m=2048,t=2,p=1$dGVuYW50ZC1zYWx0LTE2Yg$7KKxGOFWjFsw1294eikUqgRlyXyHQvO7n6QZ16OzRAY';

/** Text bindings each worker gets (the same on both runtimes). */
export function workerEnv({ pgUrl, originUrl }) {
  return {
    stripe: { STRIPE_KEY: 'sk_test_tenantd_packages', WEBHOOK_SECRET },
    postgres: { PG_URL: pgUrl },
    rewriter: { ORIGIN: originUrl },
  };
}

// t: { call(worker, path, opts) -> {status, headers, body: Buffer}, ws(worker, path), origin }
export const cases = [
  ...['HS256', 'RS256', 'ES256', 'EdDSA'].map((alg) => ({
    id: `jose/${alg}`, worker: 'jose', what: `sign (${alg === 'ES256' ? 'then verify: ECDSA is randomised' : 'token equals Node jose\'s'}), verify Node's token, refuse a tampered one`,
    run: (t) => joseCase(t, alg), expect: () => joseExpected(alg),
  })),
  {
    id: 'jose/jwks', worker: 'jose', what: 'createLocalJWKSet picks RS256, ES256, EdDSA keys by kid; an unknown kid is refused',
    run: async (t) => json(await t.call('jose', '/jwks')),
    expect: () => ({ status: 200, json: { RS256: 'rs256-1:alice', ES256: 'es256-1:alice', EdDSA: 'eddsa-1:alice', unknownKid: 'ERR_JWKS_NO_MATCHING_KEY' } }),
  },
  {
    id: 'hono/jwt', worker: 'hono', what: 'jwt middleware: a good token, none, a tampered one; sign() checked by Node jose',
    run: async (t) => {
      const good = json(await t.call('hono', '/api/me', { headers: { authorization: `Bearer ${fx.tokens.HS256}` } }));
      const none = (await t.call('hono', '/api/me')).status;
      const [h, , s] = fx.tokens.HS256.split('.');
      const forged = `${h}.${jose.base64url.encode(JSON.stringify({ ...fx.claims, role: 'root' }))}.${s}`;
      const bad = (await t.call('hono', '/api/me', { headers: { authorization: `Bearer ${forged}` } })).status;
      const issued = await t.call('hono', '/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sub":"bob"}' });
      let signed;
      try {
        const { payload, protectedHeader } = await jose.jwtVerify(issued.body.toString(), new TextEncoder().encode(fx.hsSecret));
        signed = { payload, alg: protectedHeader.alg };
      } catch (e) { signed = { error: e.code ?? e.message, status: issued.status, body: issued.body.toString().slice(0, 200) }; }
      return { good, none, bad, signed };
    },
    expect: () => ({ good: { status: 200, json: { user: 'alice', role: 'admin' } }, none: 401, bad: 401,
      signed: { payload: { sub: 'bob', role: 'reader', iat: 1767225600, exp: 4102444800 }, alg: 'HS256' } }),
  },
  {
    // The middleware gzips and sets Content-Encoding; the runtime then encodes the body by that
    // header once more (Workers' automatic encodeBody), so the client gets two gzip layers.
    id: 'hono/compress', worker: 'hono', what: 'compress middleware: gzip when asked (then the runtime\'s own Content-Encoding), identity otherwise',
    run: async (t) => {
      const gz = await t.call('hono', '/text/lines', { headers: { 'accept-encoding': 'gzip' } });
      const plain = await t.call('hono', '/text/lines');
      return { status: gz.status, encoding: gz.headers['content-encoding'] ?? null, gzipLayers: gzipLayers(gz.body, LINES),
        plainEncoding: plain.headers['content-encoding'] ?? null, plainLayers: gzipLayers(plain.body, LINES) };
    },
    expect: () => ({ status: 200, encoding: 'gzip', gzipLayers: 2, plainEncoding: null, plainLayers: 0 }),
  },
  {
    id: 'itty-router', worker: 'itty', what: 'params, query, JSON body, 404 with error()',
    run: async (t) => ({
      search: json(await t.call('itty', '/items?q=tea')),
      one: json(await t.call('itty', '/items/1')),
      missing: json(await t.call('itty', '/items/9')),
      echo: json(await t.call('itty', '/echo/note', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2,{"b":null}]}' })),
      route404: (await t.call('itty', '/nowhere')).status,
    }),
    expect: () => ({
      search: { status: 200, json: { items: [{ id: '2', name: 'teapot' }] } },
      one: { status: 200, json: { id: '1', name: 'kettle' } },
      missing: { status: 404, json: { status: 404, error: 'no item 9' } },
      echo: { status: 200, json: { kind: 'note', body: { a: [1, 2, { b: null }] } } },
      route404: 404,
    }),
  },
  {
    id: 'zod/good', worker: 'zod', what: 'a valid user is parsed (defaults applied)',
    run: async (t) => json(await t.call('zod', '/', { method: 'POST', body: JSON.stringify({ name: 'Ada', email: 'ada@example.com', age: 36, extra: 'dropped' }) })),
    expect: () => ({ status: 201, json: { name: 'Ada', email: 'ada@example.com', age: 36, tags: [] } }),
  },
  {
    id: 'zod/bad', worker: 'zod', what: 'invalid users get 400 with every issue; non-JSON gets 400',
    run: async (t) => ({
      bad: json(await t.call('zod', '/', { method: 'POST', body: JSON.stringify({ name: '', email: 'nope', age: -1.5, tags: ['a', 'b', 'c', 'd'] }) })),
      wrongTypes: json(await t.call('zod', '/', { method: 'POST', body: JSON.stringify({ name: 7, age: '3' }) })),
      notJson: json(await t.call('zod', '/', { method: 'POST', body: '{oops' })),
    }),
    expect: () => ({
      bad: { status: 400, json: { issues: [
        { path: 'name', code: 'too_small' }, { path: 'email', code: 'invalid_format' },
        { path: 'age', code: 'invalid_type' }, { path: 'tags', code: 'too_big' }] } },
      wrongTypes: { status: 400, json: { issues: [
        { path: 'name', code: 'invalid_type' }, { path: 'email', code: 'invalid_type' }, { path: 'age', code: 'invalid_type' }] } },
      notJson: { status: 400, json: { error: 'not JSON' } },
    }),
  },
  {
    id: 'stripe/webhook', worker: 'stripe', what: 'constructEventAsync with SubtleCryptoProvider: good signature, tampered payload',
    run: async (t) => {
      const payload = stripeEvent(4200);
      const signature = stripeHeader(payload);
      const good = json(await t.call('stripe', '/', { method: 'POST', headers: { 'stripe-signature': signature }, body: payload }));
      const bad = json(await t.call('stripe', '/', { method: 'POST', headers: { 'stripe-signature': signature }, body: stripeEvent(1) }));
      return { good, tampered: { status: bad.status, error: bad.json?.error ?? bad.body } };
    },
    expect: () => ({ good: { status: 200, json: { id: 'evt_test_tenantd', type: 'payment_intent.succeeded', amount: 4200 } },
      tampered: { status: 400, error: 'StripeSignatureVerificationError' } }),
  },
  {
    id: 's3/presign', worker: 's3', what: 'getSignedUrl with fixed credentials and clock equals the AWS SDK under Node',
    run: async (t) => text(await t.call('s3', '/?key=' + encodeURIComponent('reports/2026/summary (final).pdf'))),
    expect: async () => {
      const { client, command, options } = presignInput('reports/2026/summary (final).pdf');
      return { status: 200, body: await getSignedUrl(new S3Client(client), new GetObjectCommand(command), options) };
    },
  },
  {
    id: 'postgres', worker: 'postgres', what: 'postgres.js over connect(): parameters, temp table, bulk insert, a server error',
    run: async (t) => json(await t.call('postgres', '/?tag=suite')),
    expect: () => ({ status: 200, json: { sum: 42, rows: [{ id: 1, body: 'first' }, { id: 2, body: 'second' }], pg15: true,
      failure: { code: '42P01', message: 'relation "no_such_table" does not exist' } } }),
  },
  {
    id: 'websocket/echo', worker: 'websocket', what: 'text and binary frames echoed, a close code from the worker',
    run: async (t) => {
      const c = t.ws('websocket', '/echo');
      await c.opened;
      c.send('hello');
      const first = await c.next();
      c.send(Buffer.from([1, 2, 3, 250]));
      const second = await c.next();
      c.send('close-me');
      return { first, second, closed: await c.closed };
    },
    expect: () => ({ first: 'echo: hello', second: { binary: [250, 3, 2, 1] }, closed: { code: 4001, reason: 'asked to close' } }),
  },
  {
    id: 'websocket/chat', worker: 'websocket', what: 'two clients in one room: joins, messages and a leave reach both',
    run: async (t) => {
      const a = t.ws('websocket', '/chat?name=ann');
      await a.opened;
      const seenA = [await a.next()];
      const b = t.ws('websocket', '/chat?name=bob');
      await b.opened;
      seenA.push(await a.next());
      const seenB = [await b.next()];
      a.send('hi bob');
      seenA.push(await a.next());
      seenB.push(await b.next());
      b.send('hi ann');
      seenA.push(await a.next());
      seenB.push(await b.next());
      b.close(1000, 'done');
      const bClosed = await b.closed;
      seenA.push(await a.next());
      a.close(1000, 'done');
      await a.closed;
      return { ann: seenA, bob: seenB, bobClose: bClosed.code };
    },
    expect: () => ({
      ann: ['* ann joined (1 here)', '* bob joined (2 here)', 'ann: hi bob', 'bob: hi ann', '* bob left'],
      bob: ['* bob joined (2 here)', 'ann: hi bob', 'bob: hi ann'],
      bobClose: 1000,
    }),
  },
  {
    id: 'sse', worker: 'sse', what: 'text/event-stream written event by event',
    run: async (t) => {
      const r = await t.call('sse', '/?n=5');
      return { status: r.status, type: r.headers['content-type'], body: r.body.toString() };
    },
    expect: () => ({ status: 200, type: 'text/event-stream', body: SSE }),
  },
  {
    id: 'fetch/stream-10MB', worker: 'rewriter', what: 'a 10 MB page from a local origin passed through while it streams',
    run: async (t) => {
      const r = await t.call('rewriter', '/plain', { timeoutMs: 90_000, onFirstBytes: t.origin.clientSawFirstBytes });
      return { status: r.status, bytes: r.body.length, sha256: crypto.createHash('sha256').update(r.body).digest('hex'), ...failure(r) };
    },
    expect: () => ({ status: 200, ...expectedPage() }),
  },
  {
    id: 'htmlrewriter/10MB', worker: 'rewriter', what: 'links of a 10 MB page from a local origin rewritten while it streams',
    run: async (t) => {
      const r = await t.call('rewriter', '/', { timeoutMs: 90_000, onFirstBytes: t.origin.clientSawFirstBytes });
      const m = /<!-- (\d+) links -->$/.exec(r.body.subarray(-40).toString());
      return { status: r.status, bytes: r.body.length, sha256: crypto.createHash('sha256').update(r.body).digest('hex'), links: m ? Number(m[1]) : null, ...failure(r) };
    },
    expect: () => ({ status: 200, ...expectedRewrite() }),
  },
  {
    id: 'argon2/wasm', worker: 'argon2', what: 'Argon2id in WebAssembly modules uploaded with the worker: the hash equals the reference implementation\'s; verify takes the right password, refuses a wrong one',
    run: async (t) => {
      const hash = text(await t.call('argon2', `/hash?password=${PASSWORD}`));
      const verify = async (password) => json(await t.call('argon2', `/verify?password=${password}&hash=${encodeURIComponent(ARGON2_HASH)}`));
      return { hash, right: await verify(PASSWORD), wrong: await verify('not-the-password') };
    },
    expect: () => ({
      hash: { status: 200, body: ARGON2_HASH },
      right: { status: 200, json: { valid: true, modules: [true, true] } },
      wrong: { status: 200, json: { valid: false, modules: [true, true] } },
    }),
  },
  {
    id: 'argon2/rehash', worker: 'argon2', what: 'one request verifies a password and hashes it again with a larger memory cost (six WebAssembly instances made and dropped); the new hash equals the reference implementation\'s',
    run: async (t) => {
      const rehash = async (password) => json(await t.call('argon2', `/rehash?password=${password}&hash=${encodeURIComponent(ARGON2_HASH)}`));
      return { right: await rehash(PASSWORD), wrong: await rehash('not-the-password') };
    },
    expect: () => ({
      right: { status: 200, json: { valid: true, upgraded: ARGON2_UPGRADED } },
      wrong: { status: 200, json: { valid: false, upgraded: null } },
    }),
  },
  {
    id: 'bench-jwt', worker: 'bench-jwt', what: 'HS256 bearer token verified (the throughput worker)',
    run: async (t) => ({
      good: text(await t.call('bench-jwt', '/', { headers: { authorization: `Bearer ${fx.tokens.HS256}` } })),
      bad: text(await t.call('bench-jwt', '/', { headers: { authorization: `Bearer ${fx.tokens.HS256.slice(0, -2)}xx` } })),
    }),
    expect: () => ({ good: { status: 200, body: 'hello alice' }, bad: { status: 401, body: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' } }),
  },
  {
    id: 'bench-gzip', worker: 'bench-gzip', what: 'CompressionStream("gzip") of 16 KiB (the throughput worker)',
    run: async (t) => {
      const r = await t.call('bench-gzip', '/');
      return { status: r.status, text: gunzip(r) === GZIP_TEXT, smaller: r.body.length < GZIP_TEXT.length / 4 };
    },
    expect: () => ({ status: 200, text: true, smaller: true }),
  },
];
