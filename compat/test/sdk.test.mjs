// cloudflare@6.5.0 against tenantd: every method of
// client.workersForPlatforms.dispatch.namespaces and of its scripts and their sub-resources.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ACCOUNT, TENANT_SUFFIX, TOKEN, api, hit, isUuid, modulesDir, startTenantd, uploadDispatcher,
} from './helpers.mjs';

const { default: Cloudflare } = await import(pathToFileURL(path.join(modulesDir, 'cloudflare', 'index.mjs')).href);

const NS = 'sdk-base';
const A = { account_id: ACCOUNT };

const workerSource = (marker) => `import greeting from './greeting.txt';
export default {
  fetch(request, env) {
    return new Response([greeting.trim(), env.X ?? 'no-x', env.S1 ?? 'no-s1', env.S2 ?? 'no-s2', ${JSON.stringify(marker)}].join('|'));
  },
};
`;
const files = (marker, greeting = 'hi') => [
  new File([workerSource(marker)], 'w.mjs', { type: 'application/javascript+module' }),
  new File([greeting], 'greeting.txt', { type: 'text/plain' }),
];

async function collect(pageOrPromise) {
  const out = [];
  for await (const item of pageOrPromise) out.push(item);
  return out;
}

describe('cloudflare SDK 6.5.0', () => {
  let server;
  let client;
  let ns;
  const served = async (name = 'w1') => hit(server, `${name}.${TENANT_SUFFIX}`, '/');

  before(async () => {
    server = await startTenantd();
    client = new Cloudflare({ apiToken: TOKEN, baseURL: server.apiBase, maxRetries: 0 });
    ns = client.workersForPlatforms.dispatch.namespaces;
    const made = await api(server, 'POST', 'A/workers/dispatch/namespaces', { json: { name: NS } });
    assert.equal(made.status, 200, made.text);
    const d = await uploadDispatcher(server, NS, 'sdk');
    assert.equal(d.status, 200, d.text);
  });
  after(async () => { await server?.stop(); });

  test('namespaces: create, get, list, delete', async () => {
    const created = await ns.create({ ...A, name: 'sdk-made' });
    assert.equal(created.namespace_name, 'sdk-made');
    assert.ok(isUuid(created.namespace_id), JSON.stringify(created));
    const got = await ns.get('sdk-made', A);
    assert.equal(got.namespace_id, created.namespace_id);
    assert.equal(got.script_count, 0);
    const listed = await collect(ns.list(A));
    assert.deepEqual(listed.map((n) => n.namespace_name).sort(), ['sdk-base', 'sdk-made']);
    await ns.delete('sdk-made', A);
    await assert.rejects(ns.get('sdk-made', A), (e) => e.status === 404);
    assert.deepEqual((await collect(ns.list(A))).map((n) => n.namespace_name), ['sdk-base']);
  });

  test('scripts.update uploads modules and metadata; the worker serves through the dispatcher', async () => {
    const result = await ns.scripts.update(NS, 'w1', { ...A,
      metadata: { main_module: 'w.mjs', compatibility_date: '2025-01-01',
        bindings: [{ type: 'plain_text', name: 'X', text: 'ex' }], tags: ['sdk'] },
      files: files('marker-one') });
    assert.equal(result.id, 'w1');
    assert.equal(typeof result.etag, 'string');
    assert.equal(typeof result.startup_time_ms, 'number');
    const res = await served();
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'hi|ex|no-s1|no-s2|marker-one');
  });

  test('scripts.get returns the script and its namespace', async () => {
    const got = await ns.scripts.get(NS, 'w1', A);
    assert.equal(got.dispatch_namespace, NS);
    assert.equal(got.script?.id, 'w1');
    assert.match(got.created_on, /^\d{4}-\d\d-\d\dT/);
    await assert.rejects(ns.scripts.get(NS, 'no-such-script', A),
      (e) => e.status === 404 && e.errors?.[0]?.code === 10007);
  });

  test('content.get returns the uploaded modules', async () => {
    const res = await ns.scripts.content.get(NS, 'w1', A);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(text.includes('marker-one'), text.slice(0, 500));
  });

  test('content.update replaces the code and keeps the bindings', async () => {
    const result = await ns.scripts.content.update(NS, 'w1', { ...A,
      metadata: { main_module: 'w.mjs' }, files: files('marker-two', 'hey') });
    assert.equal(result.id, 'w1');
    assert.equal((await served()).text, 'hey|ex|no-s1|no-s2|marker-two');
    const content = await (await ns.scripts.content.get(NS, 'w1', A)).text();
    assert.ok(content.includes('marker-two') && !content.includes('marker-one'), content.slice(0, 500));
  });

  test('settings.get and settings.edit round-trip bindings, tags and compatibility date', async () => {
    const settings = await ns.scripts.settings.get(NS, 'w1', A);
    assert.equal(settings.compatibility_date, '2025-01-01');
    assert.deepEqual(settings.bindings.map((b) => [b.type, b.name]), [['plain_text', 'X']]);
    assert.deepEqual(settings.tags, ['sdk']);

    const edited = await ns.scripts.settings.edit(NS, 'w1', { ...A,
      settings: { bindings: [{ type: 'plain_text', name: 'X', text: 'edited' }], tags: ['sdk', 'edited'] } });
    assert.deepEqual([...edited.tags].sort(), ['edited', 'sdk']);
    const after = await ns.scripts.settings.get(NS, 'w1', A);
    assert.deepEqual([...after.tags].sort(), ['edited', 'sdk']);
    assert.equal(after.bindings.find((b) => b.name === 'X')?.text, 'edited');
    assert.equal((await served()).text, 'hey|edited|no-s1|no-s2|marker-two');
  });

  test('bindings.get lists the bindings', async () => {
    const bindings = await collect(ns.scripts.bindings.get(NS, 'w1', A));
    assert.deepEqual(bindings.map((b) => [b.type, b.name]), [['plain_text', 'X']]);
  });

  test('secrets: update, list, get, bulkUpdate, delete — the worker sees them, the API never returns values', async () => {
    const put = await ns.scripts.secrets.update(NS, 'w1', { ...A, name: 'S1', text: 'first-secret', type: 'secret_text' });
    assert.deepEqual({ name: put.name, type: put.type }, { name: 'S1', type: 'secret_text' });
    assert.equal(put.text, undefined);
    assert.equal((await served()).text, 'hey|edited|first-secret|no-s2|marker-two');

    const listed = await collect(ns.scripts.secrets.list(NS, 'w1', A));
    assert.deepEqual(listed, [{ name: 'S1', type: 'secret_text' }]);
    const one = await ns.scripts.secrets.get(NS, 'w1', 'S1', A);
    assert.deepEqual(one, { name: 'S1', type: 'secret_text' });

    const bindings = await collect(ns.scripts.bindings.get(NS, 'w1', A));
    assert.ok(bindings.some((b) => b.name === 'S1' && b.type === 'secret_text' && b.text === undefined), JSON.stringify(bindings));

    await ns.scripts.secrets.bulkUpdate(NS, 'w1', { ...A,
      secrets: { S2: { name: 'S2', text: 'second-secret', type: 'secret_text' }, S1: null } });
    assert.deepEqual(await collect(ns.scripts.secrets.list(NS, 'w1', A)), [{ name: 'S2', type: 'secret_text' }]);
    assert.equal((await served()).text, 'hey|edited|no-s1|second-secret|marker-two');

    await ns.scripts.secrets.delete(NS, 'w1', 'S2', A);
    assert.deepEqual(await collect(ns.scripts.secrets.list(NS, 'w1', A)), []);
    assert.equal((await served()).text, 'hey|edited|no-s1|no-s2|marker-two');
    await assert.rejects(ns.scripts.secrets.get(NS, 'w1', 'S2', A), (e) => e.status === 404);
  });

  test('tags: update replaces, list reads, delete removes one', async () => {
    const updated = await collect(ns.scripts.tags.update(NS, 'w1', { ...A, body: ['red', 'blue'] }));
    assert.deepEqual([...updated].sort(), ['blue', 'red']);
    assert.deepEqual([...await collect(ns.scripts.tags.list(NS, 'w1', A))].sort(), ['blue', 'red']);
    await ns.scripts.tags.delete(NS, 'w1', 'red', A);
    assert.deepEqual(await collect(ns.scripts.tags.list(NS, 'w1', A)), ['blue']);
    await assert.rejects(collect(ns.scripts.tags.update(NS, 'w1', { ...A, body: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] })),
      (e) => e.status === 400);
    assert.deepEqual(await collect(ns.scripts.tags.list(NS, 'w1', A)), ['blue']);
  });

  test('assetUpload.create starts a session; its buckets go up, the completion token goes into an upload, the assets serve', async () => {
    const hash = '0123456789abcdef0123456789abcdef';
    const session = await ns.scripts.assetUpload.create(NS, 'w1', { ...A,
      manifest: { '/index.html': { hash, size: 11 } } });
    assert.equal(typeof session.jwt, 'string');
    assert.ok(session.jwt.length > 0);
    assert.deepEqual(session.buckets, [[hash]]);

    // The rest of the round trip, as wrangler does it: the bucket goes up with the session's
    // token, the completion token goes into the next upload, and the asset is served.
    const form = new FormData();
    form.append(hash, new Blob([Buffer.from('<p>sdk</p>\n').toString('base64')]), hash);
    const up = await fetch(`${server.apiBase}/accounts/${ACCOUNT}/workers/assets/upload?base64=true`,
      { method: 'POST', headers: { authorization: `Bearer ${session.jwt}` }, body: form });
    assert.equal(up.status, 201);
    const completion = (await up.json()).result.jwt;
    assert.ok(completion);
    await ns.scripts.update(NS, 'w1', { ...A,
      metadata: { main_module: 'w.mjs', compatibility_date: '2025-01-01', keep_bindings: ['plain_text'],
        assets: { jwt: completion } },
      files: files('marker-two') });
    const page = await hit(server, `w1.${TENANT_SUFFIX}`, '/index.html');
    assert.equal(page.text, '<p>sdk</p>\n');
    assert.equal((await hit(server, `w1.${TENANT_SUFFIX}`, '/')).text, '<p>sdk</p>\n', '/ is /index.html');
    assert.equal((await hit(server, `w1.${TENANT_SUFFIX}`, '/api')).text, 'hi|edited|no-s1|no-s2|marker-two',
      'paths without an asset reach the worker');
  });

  test('scripts.delete removes the worker; the dispatcher no longer finds it', async () => {
    await ns.scripts.delete(NS, 'w1', { ...A, force: true });
    await assert.rejects(ns.scripts.get(NS, 'w1', A), (e) => e.status === 404);
    const res = await served();
    assert.equal(res.status, 404);
    assert.equal(res.text, 'no such tenant: w1');
  });
});
