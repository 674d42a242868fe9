// wrangler 4.86 `dispatch-namespace create | list | get | rename | delete` against tenantd.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, isUuid, show, startTenantd, wrangler } from './helpers.mjs';

describe('wrangler dispatch-namespace', () => {
  let server;
  before(async () => { server = await startTenantd(); });
  after(async () => { await server?.stop(); });

  const namespaces = async () => (await api(server, 'GET', 'A/workers/dispatch/namespaces')).json.result;

  let createdId;

  test('create prints the new namespace id and stores the namespace', async () => {
    const r = await wrangler(server, ['dispatch-namespace', 'create', 'staging']);
    assert.equal(r.code, 0, show(r));
    const m = r.stdout.match(/Created dispatch namespace "staging" with ID "([^"]+)"/);
    assert.ok(m, show(r));
    createdId = m[1];
    assert.ok(isUuid(createdId), `namespace id ${createdId} is a UUID`);
    const stored = (await namespaces()).find((n) => n.namespace_name === 'staging');
    assert.equal(stored?.namespace_id, createdId);
  });

  test('create of an existing name fails with a non-zero exit and leaves one namespace', async () => {
    const r = await wrangler(server, ['dispatch-namespace', 'create', 'staging']);
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /A request to the Cloudflare API .* failed/, show(r));
    assert.equal((await namespaces()).filter((n) => n.namespace_name === 'staging').length, 1);
  });

  test('list shows every namespace with its id', async () => {
    const extra = await wrangler(server, ['dispatch-namespace', 'create', 'production']);
    assert.equal(extra.code, 0, show(extra));
    const r = await wrangler(server, ['dispatch-namespace', 'list']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /namespace_name: 'staging'/, show(r));
    assert.match(r.stdout, /namespace_name: 'production'/, show(r));
    assert.ok(r.stdout.includes(createdId), show(r));
    assert.match(r.stdout, /script_count: 0/, show(r));
  });

  test('get prints the namespace', async () => {
    const r = await wrangler(server, ['dispatch-namespace', 'get', 'staging']);
    assert.equal(r.code, 0, show(r));
    assert.ok(r.stdout.includes(`namespace_id: '${createdId}'`), show(r));
    assert.match(r.stdout, /namespace_name: 'staging'/, show(r));
    assert.match(r.stdout, /created_on: '\d{4}-\d\d-\d\dT/, show(r));
  });

  test('get of a missing namespace exits non-zero', async () => {
    const r = await wrangler(server, ['dispatch-namespace', 'get', 'no-such-namespace']);
    assert.notEqual(r.code, 0, show(r));
  });

  test('rename keeps the id and changes the name', async () => {
    const r = await wrangler(server, ['dispatch-namespace', 'rename', 'staging', 'preview']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Renamed dispatch namespace "staging" to "preview"/, show(r));
    const all = await namespaces();
    assert.equal(all.find((n) => n.namespace_name === 'staging'), undefined);
    assert.equal(all.find((n) => n.namespace_name === 'preview')?.namespace_id, createdId);
    const got = await api(server, 'GET', 'A/workers/dispatch/namespaces/preview');
    assert.equal(got.status, 200);
    assert.equal(got.json.result.namespace_id, createdId);
  });

  test('delete removes the namespace and leaves the others', async () => {
    const r = await wrangler(server, ['dispatch-namespace', 'delete', 'preview']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Deleted dispatch namespace "preview"/, show(r));
    const names = (await namespaces()).map((n) => n.namespace_name);
    assert.deepEqual(names, ['production']);
    const gone = await api(server, 'GET', 'A/workers/dispatch/namespaces/preview');
    assert.equal(gone.status, 404);
    assert.equal(gone.json?.success, false);
  });
});
