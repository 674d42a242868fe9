// A platform application on tenantd, deployed with wrangler 4.86 as its developer would
// (compat/fixtures/platform-app): a dispatch namespace, a D1 database with its schema, a KV
// namespace of hostname routes, three workers (the Hono app, an outbound worker, the KV
// hostname router), then walked: initialise, upload a customer script from inside the app
// through api.cloudflare.com, dispatch to it through the app and through the KV router,
// 404 for an unknown name, 409 when another customer claims a taken name, list by customer.
//
// The steps depend on each other: once one fails, the later ones are skipped and name it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ACCOUNT, TOKEN, api, compatDir, hit, isUuid, modulesDir, show, startTenantd, tempDir, wrangler,
} from './helpers.mjs';

const FIXTURE = path.join(compatDir, 'fixtures', 'platform-app');
const NS = 'customers';
const ADMIN = 'platform-admin-7c1d';
const ROUTED = 'customers.test'; // hostnames under it go to the KV router
const APP_HOST = 'platform-app.localhost';
const CUSTOMER_SOURCE = fs.readFileSync(path.join(FIXTURE, 'customer', 'hello.mjs'), 'utf8');
const customerScript = (greeting) => CUSTOMER_SOURCE.replace("'hello from a customer script'", JSON.stringify(greeting));

describe('platform application walkthrough', () => {
  let server;
  let dir; // a copy of the fixture, as the developer's checkout
  let failed = null;
  const tokens = {};

  // A step of the walkthrough: skipped, naming the cause, once an earlier step failed.
  const step = (name, fn) => test(name, async (t) => {
    if (failed) { t.skip(`an earlier step failed: ${failed}`); return; }
    try {
      await fn(t);
    } catch (e) {
      failed = name;
      throw e;
    }
  });

  const app = (method, urlPath, { token, admin, body } = {}) => hit(server, APP_HOST, urlPath, {
    method,
    body,
    headers: {
      ...(token ? { 'x-customer-token': token } : {}),
      ...(admin ? { authorization: `Bearer ${admin}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/javascript' } : {}),
    },
  });
  const json = (res) => {
    try { return JSON.parse(res.text); } catch { assert.fail(`expected JSON, got ${res.status}: ${res.text}`); }
  };
  const inDir = (sub) => ({ cwd: path.join(dir, sub) });
  const fillIn = (file, placeholder, value) => {
    const p = path.join(dir, file);
    const text = fs.readFileSync(p, 'utf8');
    assert.ok(text.includes(placeholder), `${file} has the placeholder ${placeholder}`);
    fs.writeFileSync(p, text.replace(placeholder, value));
  };

  before(async () => {
    server = await startTenantd({ routes: [`*.${ROUTED}/*=platform-router`] });
    dir = tempDir('platform-app');
    fs.cpSync(FIXTURE, dir, { recursive: true });
    // wrangler bundles hono from the compat suite's pinned packages.
    fs.symlinkSync(modulesDir, path.join(dir, 'node_modules'), 'dir');
  });
  after(async () => { await server?.stop(); });

  // ---- setting up, with wrangler --------------------------------------------------------

  step('wrangler dispatch-namespace create', async () => {
    const r = await wrangler(server, ['dispatch-namespace', 'create', NS]);
    assert.equal(r.code, 0, show(r));
  });

  step('wrangler d1 create, then the schema with d1 execute --remote --file', async () => {
    const created = await wrangler(server, ['d1', 'create', 'platform-db'], inDir('app'));
    assert.equal(created.code, 0, show(created));
    const id = created.stdout.match(/"?database_id"?\s*[:=]\s*"([^"]+)"/)?.[1];
    assert.ok(isUuid(id), `d1 create prints the database id\n${show(created)}`);
    fillIn('app/wrangler.jsonc', 'D1_DATABASE_ID', id);

    const schema = await wrangler(server, ['d1', 'execute', 'platform-db', '--remote', '--file', '../schema.sql', '--yes'],
      inDir('app'));
    assert.equal(schema.code, 0, show(schema));
    const tables = await wrangler(server, ['d1', 'execute', 'platform-db', '--remote', '--json', '--command',
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"], inDir('app'));
    assert.equal(tables.code, 0, show(tables));
    const names = JSON.parse(tables.stdout.slice(tables.stdout.indexOf('[')))[0].results.map((row) => row.name);
    for (const table of ['customer_tokens', 'customers', 'script_settings']) {
      assert.ok(names.includes(table), `table ${table} exists after the schema ran: ${names}\n${show(schema)}`);
    }
  });

  step('wrangler kv namespace create', async () => {
    const created = await wrangler(server, ['kv', 'namespace', 'create', 'platform-routes'], inDir('router'));
    assert.equal(created.code, 0, show(created));
    const id = created.stdout.match(/"id":\s*"([^"]+)"|\bid\s*=\s*"([^"]+)"/)?.slice(1).find(Boolean);
    assert.ok(id, `kv namespace create prints the namespace id\n${show(created)}`);
    fillIn('router/wrangler.jsonc', 'KV_NAMESPACE_ID', id);
  });

  step('wrangler deploy of the outbound worker, the platform app (var and secrets) and the KV router', async () => {
    const outbound = await wrangler(server, ['deploy'], inDir('outbound'));
    assert.equal(outbound.code, 0, show(outbound));

    fs.writeFileSync(path.join(dir, 'app', 'secrets.json'), JSON.stringify({ CF_API_TOKEN: TOKEN, ADMIN_TOKEN: ADMIN }));
    const platform = await wrangler(server, ['deploy', '--var', `ACCOUNT_ID:${ACCOUNT}`, '--secrets-file', 'secrets.json'],
      inDir('app'));
    assert.equal(platform.code, 0, show(platform));
    assert.match(platform.stdout, /env\.DB \(platform-db\)\s+D1 Database/, show(platform));
    const home = await app('GET', '/');
    assert.equal(home.status, 200, home.text);
    assert.deepEqual(json(home), { app: 'platform-app', namespace: NS });

    const router = await wrangler(server, ['deploy'], inDir('router'));
    assert.equal(router.code, 0, show(router));
    assert.match(router.stdout, /env\.ROUTES \([^)]+\)\s+KV Namespace/, show(router));
  });

  step('wrangler kv key put --remote maps customer hostnames to scripts', async () => {
    for (const [host, script] of [[`acme.${ROUTED}`, 'hello'], [`ghost.${ROUTED}`, 'no-such-script']]) {
      const put = await wrangler(server, ['kv', 'key', 'put', '--binding', 'ROUTES', '--remote', host, script],
        inDir('router'));
      assert.equal(put.code, 0, show(put));
    }
    const get = await wrangler(server, ['kv', 'key', 'get', '--binding', 'ROUTES', '--remote', `acme.${ROUTED}`],
      inDir('router'));
    assert.equal(get.code, 0, show(get));
    assert.equal(get.stdout.trim().split('\n').at(-1), 'hello', show(get));
  });

  // ---- walking the application ----------------------------------------------------------

  step('POST /init needs the admin token, then seeds customers and tokens in D1', async () => {
    const refused = await app('POST', '/init', { admin: 'wrong' });
    assert.equal(refused.status, 401, refused.text);

    const res = await app('POST', '/init', { admin: ADMIN });
    assert.equal(res.status, 200, res.text);
    const { customers } = json(res);
    assert.deepEqual(customers.map((c) => [c.id, c.plan]), [['acme', 'pro'], ['globex', 'free']], res.text);
    for (const c of customers) tokens[c.id] = c.token;

    // Seeding twice changes nothing.
    const again = await app('POST', '/init', { admin: ADMIN });
    assert.deepEqual(json(again).customers, customers);
  });

  step('a customer uploads a script: the app claims the name in D1 and uploads it through api.cloudflare.com', async () => {
    const res = await app('PUT', '/scripts/hello', { token: tokens.acme, body: customerScript('hello v1') });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(json(res).limits, { cpuMs: 500, subRequests: 50 });
    assert.equal(json(res).created, true);

    const stored = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/hello`);
    assert.equal(stored.status, 200, stored.text);
    const tags = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/hello/tags`);
    assert.equal(tags.status, 200, tags.text);
    assert.deepEqual([...tags.json.result].sort(), ['acme', 'plan-pro'], tags.text);
  });

  step('bad uploads get clear errors and store nothing', async () => {
    const noToken = await app('PUT', '/scripts/other', { body: customerScript('x') });
    assert.equal(noToken.status, 401, noToken.text);
    const badToken = await app('PUT', '/scripts/other', { token: 'not-a-token', body: customerScript('x') });
    assert.equal(badToken.status, 401, badToken.text);
    const badName = await app('PUT', '/scripts/Not.A.Name', { token: tokens.acme, body: customerScript('x') });
    assert.equal(badName.status, 400, badName.text);
    // A script the API refuses (a syntax error) leaves no claim behind: the name stays free.
    const broken = await app('PUT', '/scripts/storefront', { token: tokens.acme, body: 'export default { fetch( {' });
    assert.equal(broken.status, 502, broken.text);
    assert.ok(json(broken).errors.length > 0, broken.text);
    const free = await app('PUT', '/scripts/storefront', { token: tokens.globex, body: customerScript('globex took it') });
    assert.equal(free.status, 201, `the failed upload released the name: ${free.text}`);
  });

  step('dispatch through the app runs the script with the request unchanged', async () => {
    const res = await app('GET', '/dispatch/hello/some/path?q=1');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(json(res), { greeting: 'hello v1', path: '/dispatch/hello/some/path', host: APP_HOST });
  });

  step('limits and outbound values come from D1 per call: subrequests per plan, the customer at the outbound worker', async () => {
    const pro = await app('GET', '/dispatch/hello/egress?n=6');
    assert.equal(pro.status, 200, pro.text);
    const proBody = json(pro);
    assert.equal(proBody.error, undefined, pro.text);
    assert.equal(proBody.answers.length, 6, pro.text);
    assert.deepEqual(proBody.answers[0], { status: 403, body: 'egress to example.com is closed for customer acme' });

    // globex is on the free plan: five subrequests per call.
    const free = await app('GET', '/dispatch/storefront/egress?n=6');
    assert.equal(free.status, 200, free.text);
    const freeBody = json(free);
    assert.equal(freeBody.answers.length, 5, free.text);
    assert.deepEqual(freeBody.answers[0], { status: 403, body: 'egress to example.com is closed for customer globex' });
    assert.ok(freeBody.error, `the sixth subrequest is refused: ${free.text}`);
  });

  step('dispatch through the KV router: the hostname picks the script', async () => {
    const res = await hit(server, `acme.${ROUTED}`, '/welcome');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(json(res), { greeting: 'hello v1', path: '/welcome', host: `acme.${ROUTED}` });

    const unknownHost = await hit(server, `nobody.${ROUTED}`, '/');
    assert.equal(unknownHost.status, 404, unknownHost.text);
    assert.deepEqual(json(unknownHost), { error: `no site is served at nobody.${ROUTED}` });
    const missingScript = await hit(server, `ghost.${ROUTED}`, '/');
    assert.equal(missingScript.status, 404, missingScript.text);
    assert.match(json(missingScript).error, /points to script "no-such-script", which does not exist/);
  });

  step('an unknown script name gives the app\'s 404 (Worker not found)', async () => {
    const res = await app('GET', '/dispatch/no-such-script/');
    assert.equal(res.status, 404, res.text);
    assert.deepEqual(json(res), { error: 'no script named "no-such-script"' });
  });

  step('another customer claiming a taken name gets 409 and the owner\'s script keeps serving', async () => {
    const res = await app('PUT', '/scripts/hello', { token: tokens.globex, body: customerScript('globex was here') });
    assert.equal(res.status, 409, res.text);
    assert.match(json(res).error, /taken by another customer/);
    assert.equal(json(await app('GET', '/dispatch/hello/')).greeting, 'hello v1');
    const tags = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/hello/tags`);
    assert.deepEqual([...tags.json.result].sort(), ['acme', 'plan-pro'], tags.text);
  });

  step('the owner uploads again and the new code serves at once, also through the router', async () => {
    const res = await app('PUT', '/scripts/hello', { token: tokens.acme, body: customerScript('hello v2') });
    assert.equal(res.status, 200, res.text);
    assert.equal(json(res).created, false);
    assert.equal(json(await app('GET', '/dispatch/hello/')).greeting, 'hello v2');
    assert.equal(json(await hit(server, `acme.${ROUTED}`, '/')).greeting, 'hello v2');
  });

  step('each customer lists only its own scripts (by tag)', async () => {
    const extra = await app('PUT', '/scripts/acme-blog', { token: tokens.acme, body: customerScript('blog') });
    assert.equal(extra.status, 201, extra.text);

    const acme = await app('GET', '/scripts', { token: tokens.acme });
    assert.equal(acme.status, 200, acme.text);
    assert.deepEqual(json(acme).scripts.map((s) => s.id).sort(), ['acme-blog', 'hello'], acme.text);
    const globex = await app('GET', '/scripts', { token: tokens.globex });
    assert.equal(globex.status, 200, globex.text);
    assert.deepEqual(json(globex).scripts.map((s) => s.id), ['storefront'], globex.text);
    const nobody = await app('GET', '/scripts', { token: 'not-a-token' });
    assert.equal(nobody.status, 401, nobody.text);
  });

  step('the settings in D1 agree with what was uploaded', async () => {
    const r = await wrangler(server, ['d1', 'execute', 'platform-db', '--remote', '--json', '--command',
      'SELECT script_name, customer_id, cpu_ms, sub_requests FROM script_settings ORDER BY script_name'], inDir('app'));
    assert.equal(r.code, 0, show(r));
    const rows = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].results;
    assert.deepEqual(rows, [
      { script_name: 'acme-blog', customer_id: 'acme', cpu_ms: 500, sub_requests: 50 },
      { script_name: 'hello', customer_id: 'acme', cpu_ms: 500, sub_requests: 50 },
      { script_name: 'storefront', customer_id: 'globex', cpu_ms: 100, sub_requests: 5 },
    ]);
  });
});
