// wrangler 4.86 deploys Tail Workers: `tail_consumers` in wrangler.toml of a plain worker and of a
// user worker deployed with --dispatch-namespace. The Tail Worker writes each trace item it
// receives to KV; the test reads them back through the REST API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT_SUFFIX, api, eventually, hit, project, show, startTenantd, uploadDispatcher, wrangler } from './helpers.mjs';

const NS = 'tailed-customers';

describe('wrangler deploy with tail_consumers', () => {
  let server;
  let kv;
  before(async () => {
    server = await startTenantd();
    const created = await api(server, 'POST', 'A/storage/kv/namespaces', { json: { title: 'tail-events' } });
    assert.equal(created.status, 200, created.text);
    kv = created.json.result.id;
    const ns = await wrangler(server, ['dispatch-namespace', 'create', NS]);
    assert.equal(ns.code, 0, show(ns));
    const up = await uploadDispatcher(server, NS, 'tails');
    assert.equal(up.status, 200, up.text);
  });
  after(async () => { await server?.stop(); });

  const received = async (key) => eventually(async () => {
    const r = await api(server, 'GET', `A/storage/kv/namespaces/${kv}/values/${encodeURIComponent(key)}`);
    return r.status === 200 ? JSON.parse(r.text) : undefined;
  }, { timeoutMs: 20_000, intervalMs: 200 });

  test('a Tail Worker with only a tail() handler deploys', async () => {
    const r = await wrangler(server, ['deploy'], { cwd: project({
      'wrangler.toml': `name = "log-sink"
main = "index.js"
compatibility_date = "2025-01-01"

[[kv_namespaces]]
binding = "EVENTS"
id = "${kv}"
`,
      'index.js': `export default {
  async tail(events, env) {
    for (const event of events) {
      const path = new URL(event.event.request.url).pathname;
      await env.EVENTS.put(event.scriptName + path, JSON.stringify(event));
    }
  },
};
`,
    }) });
    assert.equal(r.code, 0, show(r));
  });

  test('a producer deployed with tail_consumers sends its logs, exceptions and statuses to the Tail Worker', async () => {
    const r = await wrangler(server, ['deploy'], { cwd: project({
      'wrangler.toml': `name = "busy-app"
main = "index.js"
compatibility_date = "2025-01-01"
tail_consumers = [{ service = "log-sink" }]
`,
      'index.js': `export default {
  fetch(request) {
    const path = new URL(request.url).pathname;
    console.log('busy-app saw', path);
    if (path === '/fail') throw new RangeError('busy-app failed');
    return new Response('busy', { status: 203 });
  },
};
`,
    }) });
    assert.equal(r.code, 0, show(r));
    const settings = await api(server, 'GET', 'A/workers/scripts/busy-app/script-settings');
    assert.deepEqual(settings.json.result.tail_consumers, [{ service: 'log-sink' }]);

    assert.equal((await hit(server, 'busy-app.localhost', '/ok')).status, 203);
    const ok = await received('busy-app/ok');
    assert.ok(ok, 'the Tail Worker stored no event for /ok');
    assert.equal(ok.outcome, 'ok');
    assert.equal(ok.event.response.status, 203);
    assert.deepEqual(ok.logs[0].message, ['busy-app saw', '/ok']);

    assert.equal((await hit(server, 'busy-app.localhost', '/fail')).status, 500);
    const failed = await received('busy-app/fail');
    assert.ok(failed, 'the Tail Worker stored no event for /fail');
    assert.equal(failed.outcome, 'exception');
    assert.equal(failed.exceptions[0].name, 'RangeError');
    assert.equal(failed.exceptions[0].message, 'busy-app failed');
  });

  test('a user worker deployed with --dispatch-namespace and tail_consumers reports its namespace', async () => {
    const r = await wrangler(server, ['deploy', '--dispatch-namespace', NS], { cwd: project({
      'wrangler.toml': `name = "cust-tailed"
main = "index.js"
compatibility_date = "2025-01-01"
tail_consumers = [{ service = "log-sink" }]
`,
      'index.js': `export default { fetch() { console.log('customer code'); return new Response('customer'); } };
`,
    }) });
    assert.equal(r.code, 0, show(r));
    const res = await hit(server, `cust-tailed.${TENANT_SUFFIX}`, '/from-customer');
    assert.equal(res.status, 200, res.text);
    const item = await received('cust-tailed/from-customer');
    assert.ok(item, 'the Tail Worker stored no event for the user worker');
    assert.equal(item.dispatchNamespace, NS);
    assert.deepEqual(item.logs[0].message, ['customer code']);
  });

  test('a deploy naming a Tail Worker that does not exist fails with a message that names it', async () => {
    const r = await wrangler(server, ['deploy'], { cwd: project({
      'wrangler.toml': `name = "orphan-app"
main = "index.js"
compatibility_date = "2025-01-01"
tail_consumers = [{ service = "no-such-sink" }]
`,
      'index.js': 'export default { fetch() { return new Response("x"); } };\n',
    }) });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.output, /no-such-sink/, show(r));
  });
});
