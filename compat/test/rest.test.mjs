// REST-level checks the SDK and wrangler do not cover: script listing with tag filters and
// paging, bulk delete by tag, tag limits, secrets never returned, versions from uploads,
// percentage deployments honoured per request, rollback, and clear answers for what tenantd
// does not implement.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DISPATCHER, TENANT_SUFFIX, api, dispatcherSource, hit, isErrorEnvelope, isUuid, startTenantd, uploadDispatcher,
  workerForm,
} from './helpers.mjs';

const NS = 'shop';
const scripts = `A/workers/dispatch/namespaces/${NS}/scripts`;
const tenant = (name) => `${name}.${TENANT_SUFFIX}`;

/** Uploads a namespaced user worker answering `body`, with the given tags and extra bindings. */
function upload(server, name, { body = `hello from ${name}`, tags, bindings = [] } = {}) {
  const metadata = { main_module: 'main.mjs', compatibility_date: '2025-01-01', bindings, ...(tags ? { tags } : {}) };
  const code = `export default { fetch(request, env) { return new Response(${JSON.stringify(body)}); } };`;
  return api(server, 'PUT', `${scripts}/${name}`, { body: workerForm(metadata, [['main.mjs', code]]) });
}

const names = (res) => res.json.result.map((s) => s.id).sort();

describe('REST', () => {
  let server;
  before(async () => {
    server = await startTenantd();
    const ns = await api(server, 'POST', 'A/workers/dispatch/namespaces', { json: { name: NS } });
    assert.equal(ns.status, 200, ns.text);
    const d = await uploadDispatcher(server, NS, 'one');
    assert.equal(d.status, 200, d.text);
  });
  after(async () => { await server?.stop(); });

  describe('uploads and versions', () => {
    test('each namespaced upload answers with id, a fresh etag and startup_time_ms', async () => {
      const first = await upload(server, 'versioned', { body: 'first' });
      assert.equal(first.status, 200, first.text);
      const r1 = first.json.result;
      assert.equal(r1.id, 'versioned');
      assert.equal(typeof r1.etag, 'string');
      assert.ok(r1.etag.length > 0);
      assert.equal(typeof r1.startup_time_ms, 'number');
      assert.ok(r1.startup_time_ms >= 0);

      const second = await upload(server, 'versioned', { body: 'second' });
      assert.equal(second.status, 200, second.text);
      assert.notEqual(second.json.result.etag, r1.etag, 'new content, new etag');
      assert.equal((await hit(server, tenant('versioned'))).text, 'second');
    });

    test('a plain worker version upload answers with a version id, etag and startup_time_ms and is listed', async () => {
      const form = workerForm({ main_module: 'd.mjs', compatibility_date: '2025-01-01',
        bindings: [{ type: 'dispatch_namespace', name: 'DISPATCHER', namespace: NS }] }, [['d.mjs', dispatcherSource('listed')]]);
      const res = await api(server, 'POST', `A/workers/scripts/${DISPATCHER}/versions`, { body: form });
      assert.equal(res.status, 200, res.text);
      const v = res.json.result;
      assert.ok(isUuid(v.id), res.text);
      assert.equal(typeof v.resources?.script?.etag, 'string', res.text);
      assert.equal(typeof v.startup_time_ms, 'number', res.text);

      const list = await api(server, 'GET', `A/workers/scripts/${DISPATCHER}/versions`);
      assert.equal(list.status, 200, list.text);
      assert.ok(list.json.result.items.some((i) => i.id === v.id), list.text);
      const one = await api(server, 'GET', `A/workers/scripts/${DISPATCHER}/versions/${v.id}`);
      assert.equal(one.status, 200, one.text);
      assert.equal(one.json.result.id, v.id);
      // An uploaded version is not deployed until a deployment names it.
      assert.equal((await hit(server, tenant('versioned'), '/_dispatcher/version')).text, 'one');
    });
  });

  describe('listing, tags and bulk delete', () => {
    before(async () => {
      for (const [name, tags] of [['t-alpha', ['a']], ['t-both', ['a', 'b']], ['t-beta', ['b']], ['t-none', []],
        ['t-cust1-x', ['cust-1']], ['t-cust1-y', ['cust-1', 'a']]]) {
        const r = await upload(server, name, { tags });
        assert.equal(r.status, 200, r.text);
      }
    });

    test('tags filter: yes means must have, no means must not have', async () => {
      const onlyTagged = (res) => names(res).filter((n) => n.startsWith('t-'));
      const aYes = await api(server, 'GET', `${scripts}?tags=a:yes`);
      assert.equal(aYes.status, 200, aYes.text);
      assert.deepEqual(onlyTagged(aYes), ['t-alpha', 't-both', 't-cust1-y']);
      const aYesBNo = await api(server, 'GET', `${scripts}?tags=a:yes,b:no`);
      assert.deepEqual(onlyTagged(aYesBNo), ['t-alpha', 't-cust1-y']);
      const bNo = await api(server, 'GET', `${scripts}?tags=b:no`);
      assert.deepEqual(onlyTagged(bNo), ['t-alpha', 't-cust1-x', 't-cust1-y', 't-none']);
      const listed = aYes.json.result.find((s) => s.id === 't-both');
      assert.deepEqual([...listed.tags].sort(), ['a', 'b']);
    });

    test('a malformed tag filter is a 400 envelope', async () => {
      const r = await api(server, 'GET', `${scripts}?tags=a:maybe`);
      assert.equal(r.status, 400, r.text);
      assert.ok(isErrorEnvelope(r), r.text);
    });

    test('paging with limit and cursor visits every script exactly once', async () => {
      const all = names(await api(server, 'GET', scripts));
      assert.ok(all.length >= 7, `enough scripts to page: ${all}`);
      const seen = [];
      let cursor;
      let pages = 0;
      do {
        const r = await api(server, 'GET', `${scripts}?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(r.status, 200, r.text);
        assert.ok(r.json.result.length <= 3, `page of at most 3: ${r.text}`);
        seen.push(...r.json.result.map((s) => s.id));
        cursor = r.json.result_info?.cursor;
        pages++;
        assert.ok(pages <= all.length, 'paging terminates');
      } while (cursor);
      assert.ok(pages >= 3, `${all.length} scripts in pages of 3 take at least 3 pages, got ${pages}`);
      assert.deepEqual([...seen].sort(), all);
    });

    test('bulk delete by tag removes exactly the matching scripts', async () => {
      assert.equal((await hit(server, tenant('t-cust1-x'))).text, 'hello from t-cust1-x');
      const del = await api(server, 'DELETE', `${scripts}?tags=cust-1:yes`);
      assert.equal(del.status, 200, del.text);
      assert.equal(del.json.success, true);
      const left = names(await api(server, 'GET', scripts));
      assert.ok(!left.includes('t-cust1-x') && !left.includes('t-cust1-y'), String(left));
      for (const kept of ['t-alpha', 't-both', 't-beta', 't-none']) assert.ok(left.includes(kept), `${kept} kept: ${left}`);
      const gone = await hit(server, tenant('t-cust1-x'));
      assert.equal(gone.status, 404);
      assert.equal(gone.text, 'no such tenant: t-cust1-x');
      assert.equal((await hit(server, tenant('t-alpha'))).text, 'hello from t-alpha');
    });

    test('tags endpoints: replace, add one, remove one', async () => {
      const put = await api(server, 'PUT', `${scripts}/t-none/tags`, { json: ['x', 'y'] });
      assert.equal(put.status, 200, put.text);
      const list = await api(server, 'GET', `${scripts}/t-none/tags`);
      assert.deepEqual([...list.json.result].sort(), ['x', 'y']);
      const addOne = await api(server, 'PUT', `${scripts}/t-none/tags/z`);
      assert.equal(addOne.status, 200, addOne.text);
      const delOne = await api(server, 'DELETE', `${scripts}/t-none/tags/x`);
      assert.equal(delOne.status, 200, delOne.text);
      assert.deepEqual([...(await api(server, 'GET', `${scripts}/t-none/tags`)).json.result].sort(), ['y', 'z']);
      assert.deepEqual(names(await api(server, 'GET', `${scripts}?tags=z:yes`)), ['t-none']);
    });

    test('at most 8 tags: a ninth is refused with a 400 envelope and nothing changes', async () => {
      const eight = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8'];
      const ok = await api(server, 'PUT', `${scripts}/t-beta/tags`, { json: eight });
      assert.equal(ok.status, 200, ok.text);
      const nine = await api(server, 'PUT', `${scripts}/t-beta/tags`, { json: [...eight, 't9'] });
      assert.equal(nine.status, 400, nine.text);
      assert.ok(isErrorEnvelope(nine), nine.text);
      const addNinth = await api(server, 'PUT', `${scripts}/t-beta/tags/t9`);
      assert.equal(addNinth.status, 400, addNinth.text);
      assert.ok(isErrorEnvelope(addNinth), addNinth.text);
      assert.deepEqual([...(await api(server, 'GET', `${scripts}/t-beta/tags`)).json.result].sort(), eight);

      const up = await upload(server, 'too-many-tags', { tags: [...eight, 't9'] });
      assert.equal(up.status, 400, up.text);
      assert.ok(isErrorEnvelope(up), up.text);
      assert.equal((await api(server, 'GET', `${scripts}/too-many-tags`)).status, 404, 'refused upload stores nothing');
    });

    test('malformed tags are refused with a 400 envelope', async () => {
      for (const bad of [[''], ['has,comma'], ['x'.repeat(1000)], 'not-an-array', [42]]) {
        const r = await api(server, 'PUT', `${scripts}/t-alpha/tags`, { json: bad });
        assert.equal(r.status, 400, `tags ${JSON.stringify(bad).slice(0, 40)} → ${r.status} ${r.text}`);
        assert.ok(isErrorEnvelope(r), r.text);
      }
      assert.deepEqual((await api(server, 'GET', `${scripts}/t-alpha/tags`)).json.result, ['a']);
    });
  });

  describe('secrets', () => {
    const VALUE = 'sk_live_7b1e2c3d';
    test('a secret reaches the worker but no API answer ever contains its value', async () => {
      const code = 'export default { fetch(r, env) { return new Response(env.STRIPE + "|" + env.OTHER); } };';
      const up = await api(server, 'PUT', `${scripts}/vault`, { body: workerForm({ main_module: 'm.mjs',
        compatibility_date: '2025-01-01', bindings: [{ type: 'secret_text', name: 'STRIPE', text: VALUE }] }, [['m.mjs', code]]) });
      assert.equal(up.status, 200, up.text);
      assert.ok(!up.text.includes(VALUE), up.text);
      const put = await api(server, 'PUT', `${scripts}/vault/secrets`, { json: { name: 'OTHER', text: 'other-secret-42', type: 'secret_text' } });
      assert.equal(put.status, 200, put.text);
      assert.ok(!put.text.includes('other-secret-42'), put.text);
      assert.equal((await hit(server, tenant('vault'))).text, `${VALUE}|other-secret-42`);

      const list = await api(server, 'GET', `${scripts}/vault/secrets`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.json.result.map((s) => s.name).sort(), ['OTHER', 'STRIPE']);
      for (const sub of ['', '/settings', '/bindings', '/secrets', '/secrets/STRIPE', '/secrets/OTHER', '/content']) {
        const r = await api(server, 'GET', `${scripts}/vault${sub}`);
        assert.ok(!r.text.includes(VALUE) && !r.text.includes('other-secret-42'), `GET vault${sub} leaks a secret: ${r.text.slice(0, 300)}`);
      }
      const one = await api(server, 'GET', `${scripts}/vault/secrets/STRIPE`);
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(one.json.result, { name: 'STRIPE', type: 'secret_text' });
    });
  });

  describe('deployments', () => {
    let v1;
    let v2;
    const label = async (host) => (await hit(server, host, '/_dispatcher/version')).text;

    before(async () => {
      const deployments = await api(server, 'GET', `A/workers/scripts/${DISPATCHER}/deployments`);
      assert.equal(deployments.status, 200, deployments.text);
      v1 = deployments.json.result.deployments[0].versions[0].version_id;
      const form = workerForm({ main_module: 'd.mjs', compatibility_date: '2025-01-01',
        bindings: [{ type: 'dispatch_namespace', name: 'DISPATCHER', namespace: NS }] }, [['d.mjs', dispatcherSource('two')]]);
      const res = await api(server, 'POST', `A/workers/scripts/${DISPATCHER}/versions`, { body: form });
      assert.equal(res.status, 200, res.text);
      v2 = res.json.result.id;
    });

    test('a 50/50 split serves both versions in roughly equal shares', async () => {
      assert.equal(await label(tenant('versioned')), 'one');
      const dep = await api(server, 'POST', `A/workers/scripts/${DISPATCHER}/deployments`, { json: {
        strategy: 'percentage', versions: [{ version_id: v1, percentage: 50 }, { version_id: v2, percentage: 50 }] } });
      assert.equal(dep.status, 200, dep.text);
      assert.deepEqual(dep.json.result.versions.map((v) => v.percentage), [50, 50]);

      const counts = { one: 0, two: 0 };
      const statuses = new Map();
      let next = 0;
      const worker = async () => {
        while (next < 1000) {
          next++;
          const r = await hit(server, tenant('versioned'));
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.text === 'second' && r.headers['x-dispatcher'] in counts) counts[r.headers['x-dispatcher']]++;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      assert.deepEqual([...statuses], [[200, 1000]]);
      assert.equal(counts.one + counts.two, 1000, JSON.stringify(counts));
      assert.ok(counts.one >= 400 && counts.one <= 600, `version one served ${counts.one / 10}% (want 40–60 %)`);
      assert.ok(counts.two >= 400 && counts.two <= 600, `version two served ${counts.two / 10}% (want 40–60 %)`);

      const latest = (await api(server, 'GET', `A/workers/scripts/${DISPATCHER}/deployments`)).json.result.deployments[0];
      assert.deepEqual(latest.versions.map((v) => [v.version_id, v.percentage]).sort(), [[v1, 50], [v2, 50]].sort());
    });

    test('rollback to one version at 100% applies to the very next requests', async () => {
      const dep = await api(server, 'POST', `A/workers/scripts/${DISPATCHER}/deployments`, { json: {
        strategy: 'percentage', versions: [{ version_id: v1, percentage: 100 }], annotations: { 'workers/message': 'rollback' } } });
      assert.equal(dep.status, 200, dep.text);
      const seen = new Set();
      for (let i = 0; i < 50; i++) seen.add(await label(tenant('versioned')));
      assert.deepEqual([...seen], ['one']);

      const forward = await api(server, 'POST', `A/workers/scripts/${DISPATCHER}/deployments`, { json: {
        strategy: 'percentage', versions: [{ version_id: v2, percentage: 100 }] } });
      assert.equal(forward.status, 200, forward.text);
      assert.equal(await label(tenant('versioned')), 'two');
    });

    test('a deployment whose percentages do not add up to 100, or that names an unknown version, is refused', async () => {
      const before = (await api(server, 'GET', `A/workers/scripts/${DISPATCHER}/deployments`)).json.result.deployments.length;
      const bad = [
        [{ version_id: v1, percentage: 50 }, { version_id: v2, percentage: 40 }],
        [{ version_id: '00000000-0000-4000-8000-000000000000', percentage: 100 }],
        [],
      ];
      for (const versions of bad) {
        const r = await api(server, 'POST', `A/workers/scripts/${DISPATCHER}/deployments`, { json: { strategy: 'percentage', versions } });
        assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(versions)} → ${r.status} ${r.text}`);
        assert.ok(isErrorEnvelope(r), r.text);
      }
      assert.equal((await api(server, 'GET', `A/workers/scripts/${DISPATCHER}/deployments`)).json.result.deployments.length, before);
      assert.equal(await label(tenant('versioned')), 'two');
    });
  });

  describe('what tenantd does not do', () => {
    test('unimplemented Cloudflare endpoints answer with a JSON envelope saying so, never HTML or 500', async () => {
      for (const [method, path] of [['GET', 'A/r2/buckets'], ['POST', 'A/r2/buckets'],
        ['GET', 'A/queues'], ['GET', 'A/workers/durable_objects/namespaces'], ['GET', 'A/hyperdrive/configs'],
        ['GET', '/zones'], ['POST', '/graphql-not-here']]) {
        const r = await api(server, method, path, method === 'POST' ? { json: { name: 'x' } } : {});
        assert.ok(r.status !== 500 && r.status >= 400, `${method} ${path} → ${r.status}`);
        assert.match(r.headers.get('content-type') ?? '', /application\/json/, `${method} ${path}`);
        assert.ok(isErrorEnvelope(r), `${method} ${path} → ${r.text}`);
        assert.match(r.json.errors[0].message, /^not supported by tenantd/, `${method} ${path} → ${r.text}`);
      }
    });

    test('requests without a valid token are refused with an envelope', async () => {
      for (const token of [null, 'wrong-token']) {
        const r = await api(server, 'GET', 'A/workers/dispatch/namespaces', { token });
        assert.ok(r.status === 401 || r.status === 403, `${token} → ${r.status}`);
        assert.ok(isErrorEnvelope(r), r.text);
      }
    });

    test('SDK 7.x bracket-flattened multipart gets a 400 envelope, not a 500, and stores nothing', async () => {
      const form = new FormData();
      form.append('metadata[main_module]', 'w.mjs');
      form.append('metadata[compatibility_date]', '2025-01-01');
      form.append('metadata[bindings][][type]', 'plain_text');
      form.append('metadata[bindings][][name]', 'X');
      form.append('metadata[bindings][][text]', 'y');
      form.append('files[]', new Blob(['export default { fetch() { return new Response("v7") } }'],
        { type: 'application/javascript+module' }), 'w.mjs');
      const r = await api(server, 'PUT', `${scripts}/flattened`, { body: form });
      assert.equal(r.status, 400, r.text);
      assert.ok(isErrorEnvelope(r), r.text);

      // The same body under a wrong top-level Content-Type.
      const req = new Request('http://x/', { method: 'POST', body: form });
      const bytes = await req.arrayBuffer();
      const wrongType = await api(server, 'PUT', `${scripts}/flattened`, { body: bytes, headers: { 'content-type': 'application/javascript' } });
      assert.equal(wrongType.status, 400, wrongType.text);
      assert.ok(isErrorEnvelope(wrongType), wrongType.text);
      const multipartNoBoundary = await api(server, 'PUT', `${scripts}/flattened`, { body: bytes, headers: { 'content-type': 'multipart/form-data' } });
      assert.equal(multipartNoBoundary.status, 400, multipartNoBoundary.text);
      assert.ok(isErrorEnvelope(multipartNoBoundary), multipartNoBoundary.text);

      assert.equal((await api(server, 'GET', `${scripts}/flattened`)).status, 404);
      assert.equal((await hit(server, tenant('versioned'))).status, 200, 'the server keeps serving');
    });
  });
});
