// wrangler 4.86 `kv namespace create|list|delete`, `kv key put|get|list|delete` and
// `kv bulk put|delete` against tenantd, each checked by what a deployed worker with a
// kv_namespace binding then reads or writes (`kvapp.localhost`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, hit, project, show, startTenantd, tempDir, wrangler } from './helpers.mjs';

const WORKER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const key = url.searchParams.get('key');
    try {
      if (url.pathname === '/get') return new Response(await env.KV.get(key) ?? '<null>');
      if (url.pathname === '/meta') return Response.json(await env.KV.getWithMetadata(key));
      if (url.pathname === '/bytes') return Response.json([...new Uint8Array(await env.KV.get(key, 'arrayBuffer') ?? [])]);
      if (url.pathname === '/put') {
        await env.KV.put(key, await request.text(), { metadata: { by: 'worker' } });
        return new Response('stored');
      }
      if (url.pathname === '/list') return Response.json(await env.KV.list({ prefix: url.searchParams.get('prefix') ?? '' }));
      return new Response('not found', { status: 404 });
    } catch (e) {
      return new Response(e.name + ': ' + e.message, { status: 500 });
    }
  },
};
`;

describe('wrangler kv', () => {
  let server;
  let id;
  const kvArgs = () => ['--namespace-id', id, '--remote'];
  const worker = async (pathAndQuery, options) => hit(server, 'kvapp.localhost', pathAndQuery, options);
  const titles = async () => (await api(server, 'GET', 'A/storage/kv/namespaces?per_page=100')).json.result;

  before(async () => { server = await startTenantd(); });
  after(async () => { await server?.stop(); });

  test('kv namespace create makes a namespace and prints its id', async () => {
    const r = await wrangler(server, ['kv', 'namespace', 'create', 'sessions']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Creating namespace with title "sessions"/, show(r));
    const created = (await titles()).find((n) => n.title === 'sessions');
    assert.ok(created, 'the namespace is stored');
    id = created.id;
    assert.ok(r.stdout.includes(id), `wrangler prints the id ${id}\n${show(r)}`);
  });

  test('kv namespace create of an existing title fails and leaves one namespace', async () => {
    const r = await wrangler(server, ['kv', 'namespace', 'create', 'sessions']);
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.output, /already exists/, show(r));
    assert.equal((await titles()).filter((n) => n.title === 'sessions').length, 1);
  });

  test('kv namespace list prints every namespace', async () => {
    const other = await wrangler(server, ['kv', 'namespace', 'create', 'assets']);
    assert.equal(other.code, 0, show(other));
    const r = await wrangler(server, ['kv', 'namespace', 'list']);
    assert.equal(r.code, 0, show(r));
    const listed = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
    assert.deepEqual(listed.map((n) => n.title), ['assets', 'sessions']);
    assert.equal(listed.find((n) => n.title === 'sessions').id, id);
  });

  test('a worker with a kv_namespace binding deploys', async () => {
    const dir = project({
      'wrangler.toml': `name = "kvapp"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n`
        + `[[kv_namespaces]]\nbinding = "KV"\nid = "${id}"\n`,
      'index.js': WORKER,
    });
    const r = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.equal((await worker('/get?key=nothing')).text, '<null>');
  });

  test('kv key put writes what the worker reads, with metadata and a TTL', async () => {
    const put = await wrangler(server, ['kv', 'key', 'put', 'greeting', 'hello from wrangler', ...kvArgs()]);
    assert.equal(put.code, 0, show(put));
    assert.equal((await worker('/get?key=greeting')).text, 'hello from wrangler');

    const meta = await wrangler(server, ['kv', 'key', 'put', 'user/1', 'ada', '--metadata', '{"plan":"pro"}', '--ttl', '3600',
      ...kvArgs()]);
    assert.equal(meta.code, 0, show(meta));
    const got = JSON.parse((await worker(`/meta?key=${encodeURIComponent('user/1')}`)).text);
    assert.deepEqual(got, { value: 'ada', metadata: { plan: 'pro' }, cacheStatus: null });
  });

  test('kv key put --path stores a file as bytes', async () => {
    const file = path.join(tempDir('kv-file'), 'blob.bin');
    fs.writeFileSync(file, Buffer.from([0, 1, 2, 254, 255]));
    const r = await wrangler(server, ['kv', 'key', 'put', 'blob', '--path', file, ...kvArgs()]);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(JSON.parse((await worker('/bytes?key=blob')).text), [0, 1, 2, 254, 255]);
  });

  test('kv key get reads what the worker wrote', async () => {
    const w = await worker('/put?key=from-worker', { method: 'PUT', body: 'written by the worker' });
    assert.equal(w.text, 'stored');
    const r = await wrangler(server, ['kv', 'key', 'get', 'from-worker', '--text', ...kvArgs()]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /written by the worker/, show(r));
  });

  test('kv key list shows the keys with metadata and expiration', async () => {
    const r = await wrangler(server, ['kv', 'key', 'list', ...kvArgs()]);
    assert.equal(r.code, 0, show(r));
    const keys = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
    assert.deepEqual(keys.map((k) => k.name), ['blob', 'from-worker', 'greeting', 'user/1']);
    const user = keys.find((k) => k.name === 'user/1');
    assert.deepEqual(user.metadata, { plan: 'pro' });
    const now = Math.floor(Date.now() / 1000);
    assert.ok(user.expiration > now + 3000 && user.expiration <= now + 3600, `expiration ${user.expiration}`);
    const prefixed = await wrangler(server, ['kv', 'key', 'list', '--prefix', 'user/', ...kvArgs()]);
    assert.deepEqual(JSON.parse(prefixed.stdout.slice(prefixed.stdout.indexOf('['))).map((k) => k.name), ['user/1']);
  });

  test('kv key delete removes a key the worker then misses', async () => {
    const r = await wrangler(server, ['kv', 'key', 'delete', 'greeting', ...kvArgs()]);
    assert.equal(r.code, 0, show(r));
    assert.equal((await worker('/get?key=greeting')).text, '<null>');
  });

  test('kv bulk put writes every entry, kv bulk delete removes them', async () => {
    const dir = tempDir('kv-bulk');
    const entries = path.join(dir, 'entries.json');
    fs.writeFileSync(entries, JSON.stringify([
      { key: 'bulk:a', value: 'alpha' },
      { key: 'bulk:b', value: Buffer.from('beta').toString('base64'), base64: true },
      { key: 'bulk:c', value: 'gamma', metadata: { n: 3 }, expiration_ttl: 600 },
    ]));
    const put = await wrangler(server, ['kv', 'bulk', 'put', entries, ...kvArgs()]);
    assert.equal(put.code, 0, show(put));
    assert.equal((await worker('/get?key=bulk:a')).text, 'alpha');
    assert.equal((await worker('/get?key=bulk:b')).text, 'beta');
    assert.deepEqual(JSON.parse((await worker('/meta?key=bulk:c')).text).metadata, { n: 3 });
    const listed = JSON.parse((await worker('/list?prefix=bulk:')).text);
    assert.deepEqual(listed.keys.map((k) => k.name), ['bulk:a', 'bulk:b', 'bulk:c']);
    assert.equal(listed.list_complete, true);

    const keys = path.join(dir, 'keys.json');
    fs.writeFileSync(keys, JSON.stringify(['bulk:a', 'bulk:c']));
    const del = await wrangler(server, ['kv', 'bulk', 'delete', keys, '--force', ...kvArgs()]);
    assert.equal(del.code, 0, show(del));
    assert.equal((await worker('/get?key=bulk:a')).text, '<null>');
    assert.equal((await worker('/get?key=bulk:b')).text, 'beta');
    assert.equal((await worker('/get?key=bulk:c')).text, '<null>');
  });

  test('kv bulk put with one bad entry fails and writes nothing', async () => {
    const file = path.join(tempDir('kv-bad'), 'entries.json');
    fs.writeFileSync(file, JSON.stringify([{ key: 'bad:ok', value: 'v' }, { key: 'bad:ttl', value: 'v', expiration_ttl: 10 }]));
    const r = await wrangler(server, ['kv', 'bulk', 'put', file, ...kvArgs()]);
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.output, /Expiration TTL must be at least 60/, show(r));
    assert.equal((await worker('/get?key=bad:ok')).text, '<null>');
  });

  test('kv namespace delete removes the namespace; the worker then gets a clear error', async () => {
    const r = await wrangler(server, ['kv', 'namespace', 'delete', '--namespace-id', id, '-y']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Deleted KV namespace/, show(r));
    assert.deepEqual((await titles()).map((n) => n.title), ['assets']);
    const res = await worker('/get?key=anything');
    assert.equal(res.status, 500);
    assert.match(res.text, /^Error: KV GET failed: 404 namespace not found/);
  });
});
