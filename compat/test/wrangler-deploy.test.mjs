// wrangler 4.86 deploys against tenantd: user workers into a dispatch namespace (bundled and
// no_bundle, one with a WebAssembly module), the dispatch worker as a plain worker (first deploy, redeploy), secrets, versions,
// deployments, rollback, whoami and delete. Every deployed worker is checked by requests through
// the dispatcher (`<user>.tenants.test`) or its own host (`<script>.localhost`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNT, DISPATCHER, TENANT_SUFFIX, api, dispatcherSource, hit, isUuid, project, show, startTenantd, uploadDispatcher,
  wrangler,
} from './helpers.mjs';

const NS = 'customers';
const tenant = (name) => `${name}.${TENANT_SUFFIX}`;

describe('wrangler deploy', () => {
  let server;
  before(async () => {
    server = await startTenantd();
    const created = await wrangler(server, ['dispatch-namespace', 'create', NS]);
    assert.equal(created.code, 0, show(created));
    // The dispatch worker for `*.tenants.test`, uploaded by REST; its wrangler deploy is tested below.
    const up = await uploadDispatcher(server, NS, 'rest');
    assert.equal(up.status, 200, up.text);
  });
  after(async () => { await server?.stop(); });

  // ---- user workers in the namespace -------------------------------------------------------

  const bundledProject = (greeting) => project({
    'wrangler.toml': `name = "cust-a"
main = "src/index.js"
compatibility_date = "2025-01-01"

[vars]
GREETING = "${greeting}"
CONFIG = { plan = "pro", seats = 3 }
`,
    'src/index.js': `import { shout } from './shout.js';
export default {
  async fetch(request, env) {
    return Response.json({ greeting: shout(env.GREETING), plan: env.CONFIG.plan, seats: env.CONFIG.seats,
      key: env.API_KEY ?? null });
  },
};
`,
    'src/shout.js': 'export const shout = (s) => s.toUpperCase() + "!";\n',
    'secrets.json': JSON.stringify({ API_KEY: 'key-from-secrets-file' }),
  });

  test('deploy --dispatch-namespace (bundled) with vars, a JSON var and a secret serves through the dispatcher', async () => {
    const r = await wrangler(server, ['deploy', '--dispatch-namespace', NS, '--secrets-file', 'secrets.json'],
      { cwd: bundledProject('hello') });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Uploaded cust-a/, show(r));
    assert.match(r.stdout, /Dispatch Namespace: customers/, show(r));
    const version = r.stdout.match(/Current Version ID: (\S+)/)?.[1];
    assert.ok(isUuid(version), `wrangler prints the new version id (got ${version})\n${show(r)}`);

    const stored = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/cust-a`);
    assert.equal(stored.status, 200, stored.text);
    assert.equal(stored.json.result.dispatch_namespace, NS);

    const res = await hit(server, tenant('cust-a'), '/');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['x-dispatcher'], 'rest');
    assert.deepEqual(JSON.parse(res.text), { greeting: 'HELLO!', plan: 'pro', seats: 3, key: 'key-from-secrets-file' });
  });

  test('the secret from --secrets-file is listed by name, never by value', async () => {
    const secrets = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/cust-a/secrets`);
    assert.equal(secrets.status, 200, secrets.text);
    assert.deepEqual(secrets.json.result, [{ name: 'API_KEY', type: 'secret_text' }]);
    for (const sub of ['', '/settings', '/bindings', '/secrets/API_KEY']) {
      const r = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/cust-a${sub}`);
      assert.ok(!r.text.includes('key-from-secrets-file'), `GET ...cust-a${sub} leaks the secret: ${r.text}`);
    }
  });

  test('redeploy --dispatch-namespace replaces the code, keeps the secret and changes the etag', async () => {
    const before = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/cust-a`);
    const r = await wrangler(server, ['deploy', '--dispatch-namespace', NS], { cwd: bundledProject('welcome back') });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Uploaded cust-a/, show(r));
    const after = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/cust-a`);
    assert.ok(after.json.result.script?.etag, after.text);
    assert.notEqual(after.json.result.script.etag, before.json.result.script?.etag);
    const res = await hit(server, tenant('cust-a'), '/');
    assert.equal(res.status, 200, res.text);
    // Secrets outlive deployments ("secrets are never deleted by deployments", wrangler deploy --help).
    assert.deepEqual(JSON.parse(res.text), { greeting: 'WELCOME BACK!', plan: 'pro', seats: 3, key: 'key-from-secrets-file' });
  });

  test('deploy --dispatch-namespace with no_bundle uploads several modules and a Text module', async () => {
    const dir = project({
      'wrangler.toml': `name = "cust-b"
main = "src/index.js"
compatibility_date = "2025-01-01"
no_bundle = true
find_additional_modules = true
rules = [
  { type = "Text", globs = ["**/*.txt"], fallthrough = true },
  { type = "ESModule", globs = ["**/*.js"], fallthrough = true },
]

[vars]
SUFFIX = "from cust-b"
`,
      'src/index.js': `import { double } from './lib/math.js';
import banner from './banner.txt';
export default {
  fetch(request, env) { return new Response(banner.trim() + ' ' + double(21) + ' ' + env.SUFFIX); },
};
`,
      'src/lib/math.js': 'export function double(n) { return n * 2; }\n',
      'src/banner.txt': 'BANNER TEXT\n',
    });
    const r = await wrangler(server, ['deploy', '--dispatch-namespace', NS], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /lib\/math\.js/, show(r));
    assert.match(r.stdout, /banner\.txt/, show(r));
    const res = await hit(server, tenant('cust-b'), '/');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'BANNER TEXT 42 from cust-b');

    // Redeploy of the no_bundle worker: a changed Text module is served at once.
    const fs = await import('node:fs');
    fs.writeFileSync(`${dir}/src/banner.txt`, 'NEW BANNER\n');
    const again = await wrangler(server, ['deploy', '--dispatch-namespace', NS], { cwd: dir });
    assert.equal(again.code, 0, show(again));
    const res2 = await hit(server, tenant('cust-b'), '/');
    assert.equal(res2.text, 'NEW BANNER 42 from cust-b');

    const list = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts`);
    assert.deepEqual(list.json.result.map((s) => s.id).sort(), ['cust-a', 'cust-b']);
  });

  test('a syntax error in a namespaced deploy fails with a non-zero exit and keeps the old code serving', async () => {
    const dir = project({
      'wrangler.toml': 'name = "cust-b"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\nno_bundle = true\n',
      'src/index.js': 'export default { fetch() { return new Response("broken" }\n',
    });
    const r = await wrangler(server, ['deploy', '--dispatch-namespace', NS], { cwd: dir });
    assert.notEqual(r.code, 0, show(r));
    const res = await hit(server, tenant('cust-b'), '/');
    assert.equal(res.text, 'NEW BANNER 42 from cust-b');
  });

  test('deploy --dispatch-namespace of a worker that imports a .wasm file: the module is compiled and instantiated', async () => {
    // A module whose export add(a, b) returns a + b (type, function, export and code sections).
    const addWasm = Buffer.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
      0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
      0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
    ]);
    const dir = project({
      'wrangler.toml': 'name = "cust-w"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n',
      'src/index.js': `import addModule from './add.wasm';
export default {
  async fetch(request) {
    const instance = await WebAssembly.instantiate(addModule);
    const [a, b] = new URL(request.url).searchParams.getAll('n').map(Number);
    return new Response(a + ' + ' + b + ' = ' + instance.exports.add(a, b));
  },
};
`,
      'src/add.wasm': addWasm,
    });
    const r = await wrangler(server, ['deploy', '--dispatch-namespace', NS], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    const stored = await api(server, 'GET', `A/workers/dispatch/namespaces/${NS}/scripts/cust-w`);
    assert.ok(stored.json.result.script.modules.some((m) => m.name.endsWith('-add.wasm')), stored.text);
    const res = await hit(server, tenant('cust-w'), '/?n=20&n=22');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '20 + 22 = 42');
    const del = await api(server, 'DELETE', `A/workers/dispatch/namespaces/${NS}/scripts/cust-w`);
    assert.equal(del.status, 200, del.text);
  });

  // ---- the dispatch worker as a plain worker -----------------------------------------------

  const dispatcherProject = (label) => project({
    'wrangler.toml': `name = "${DISPATCHER}-wr"
main = "src/index.js"
compatibility_date = "2025-01-01"

[[dispatch_namespaces]]
binding = "DISPATCHER"
namespace = "${NS}"
`,
    'src/index.js': dispatcherSource(label),
  });
  // Requests reach this dispatcher as `dispatcher-wr.localhost`; an `x-tenant` header picks the user worker.
  const versionOf = async () => (await hit(server, `${DISPATCHER}-wr.localhost`, '/_dispatcher/version')).text;

  let firstVersion;
  let secondVersion;

  test('first plain deploy of a dispatch worker: versions, deployments, subdomain', async () => {
    const r = await wrangler(server, ['deploy'], { cwd: dispatcherProject('one') });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Uploaded dispatcher-wr/, show(r));
    assert.match(r.stdout, /env\.DISPATCHER \(customers\)\s+Dispatch Namespace/, show(r));
    firstVersion = r.stdout.match(/Current Version ID: (\S+)/)?.[1];
    assert.ok(isUuid(firstVersion), `version id printed (got ${firstVersion})\n${show(r)}`);

    const deployments = await api(server, 'GET', `A/workers/scripts/${DISPATCHER}-wr/deployments`);
    assert.equal(deployments.status, 200, deployments.text);
    assert.equal(deployments.json.result.deployments.length, 1);
    // wrangler turned the workers.dev subdomain on (workers_dev defaults to true).
    const subdomain = await api(server, 'GET', `A/workers/scripts/${DISPATCHER}-wr/subdomain`);
    assert.equal(subdomain.status, 200, subdomain.text);
    assert.equal(subdomain.json.result.enabled, true, subdomain.text);
    assert.deepEqual(deployments.json.result.deployments[0].versions, [{ version_id: firstVersion, percentage: 100 }]);

    assert.equal(await versionOf(), 'one');
    const user = await hit(server, `${DISPATCHER}-wr.localhost`, '/', {});
    // The host's first label is the dispatcher's own name, which is no user worker.
    assert.equal(user.status, 404);
    assert.equal(user.text, `no such tenant: ${DISPATCHER}-wr`);
  });

  test('second plain deploy goes through versions and deployments and serves the new code', async () => {
    const r = await wrangler(server, ['deploy', '--message', 'second cut'], { cwd: dispatcherProject('two') });
    assert.equal(r.code, 0, show(r));
    assert.doesNotMatch(r.output, /last updated via the script API/, 'tenantd records wrangler uploads as such');
    secondVersion = r.stdout.match(/Current Version ID: (\S+)/)?.[1];
    assert.ok(isUuid(secondVersion), show(r));
    assert.notEqual(secondVersion, firstVersion);
    assert.equal(await versionOf(), 'two');

    const deployments = (await api(server, 'GET', `A/workers/scripts/${DISPATCHER}-wr/deployments`)).json.result.deployments;
    assert.equal(deployments.length, 2);
    assert.deepEqual(deployments[0].versions, [{ version_id: secondVersion, percentage: 100 }]);
    assert.equal(deployments[0].annotations?.['workers/message'], 'second cut');

    const version = await api(server, 'GET', `A/workers/scripts/${DISPATCHER}-wr/versions/${secondVersion}`);
    assert.equal(version.status, 200, version.text);
    assert.equal(version.json.result.id, secondVersion);
    assert.ok(version.json.result.resources?.bindings?.some((b) => b.type === 'dispatch_namespace' && b.namespace === NS),
      version.text);
  });

  test('versions list shows both versions', async () => {
    const r = await wrangler(server, ['versions', 'list', '--name', `${DISPATCHER}-wr`]);
    assert.equal(r.code, 0, show(r));
    const ids = [...r.stdout.matchAll(/Version ID:\s+(\S+)/g)].map((m) => m[1]);
    assert.deepEqual(ids, [firstVersion, secondVersion], show(r));
    assert.match(r.stdout, /Source:\s+Wrangler/, show(r));
  });

  test('deployments list shows both deployments at 100%', async () => {
    const r = await wrangler(server, ['deployments', 'list', '--name', `${DISPATCHER}-wr`]);
    assert.equal(r.code, 0, show(r));
    assert.ok(r.stdout.includes(`(100%) ${firstVersion}`), show(r));
    assert.ok(r.stdout.includes(`(100%) ${secondVersion}`), show(r));
    assert.ok(r.stdout.indexOf(firstVersion) < r.stdout.indexOf(secondVersion), 'oldest first');
  });

  test('rollback restores the previous version at once', async () => {
    const r = await wrangler(server, ['rollback', '--name', `${DISPATCHER}-wr`, '--message', 'back to one', '--yes']);
    assert.equal(r.code, 0, show(r));
    assert.ok(r.stdout.includes(`Worker Version ${firstVersion} has been deployed to 100% of traffic`), show(r));
    assert.equal(await versionOf(), 'one', 'the very next request is served by the restored version');
    const deployments = (await api(server, 'GET', `A/workers/scripts/${DISPATCHER}-wr/deployments`)).json.result.deployments;
    assert.equal(deployments.length, 3);
    assert.deepEqual(deployments[0].versions, [{ version_id: firstVersion, percentage: 100 }]);
    assert.equal(deployments[0].annotations?.['workers/message'], 'back to one');

    const explicit = await wrangler(server, ['rollback', secondVersion, '--name', `${DISPATCHER}-wr`, '--yes']);
    assert.equal(explicit.code, 0, show(explicit));
    assert.equal(await versionOf(), 'two');
  });

  test('a third deploy after a rollback still works and serves the new code', async () => {
    const r = await wrangler(server, ['deploy'], { cwd: dispatcherProject('three') });
    assert.equal(r.code, 0, show(r));
    assert.equal(await versionOf(), 'three');
    // The dispatcher deployed by wrangler reaches the namespaced user workers too.
    const res = await hit(server, `${DISPATCHER}-wr.localhost`, '/', { headers: { 'x-tenant': 'cust-a' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['x-dispatcher'], 'three');
    assert.equal(JSON.parse(res.text).greeting, 'WELCOME BACK!');
  });

  test('versions upload stores a version that does not serve; versions deploy splits traffic 50/50, then back to 100%', async () => {
    const current = (await api(server, 'GET', `A/workers/scripts/${DISPATCHER}-wr/deployments`)).json.result.deployments[0]
      .versions[0].version_id;
    const up = await wrangler(server, ['versions', 'upload'], { cwd: dispatcherProject('four') });
    assert.equal(up.code, 0, show(up));
    const uploaded = up.stdout.match(/Worker Version ID: (\S+)/)?.[1];
    assert.ok(isUuid(uploaded), show(up));
    assert.equal(await versionOf(), 'three', 'an uploaded version does not serve until deployed');

    const split = await wrangler(server, ['versions', 'deploy', `${current}@50%`, `${uploaded}@50%`,
      '--name', `${DISPATCHER}-wr`, '--yes']);
    assert.equal(split.code, 0, show(split));
    const seen = { three: 0, four: 0 };
    for (let i = 0; i < 400; i++) seen[await versionOf()] += 1;
    assert.equal(seen.three + seen.four, 400, JSON.stringify(seen));
    assert.ok(seen.four >= 140 && seen.four <= 260, `shares of 400 requests: ${JSON.stringify(seen)}`);

    const whole = await wrangler(server, ['versions', 'deploy', `${uploaded}@100%`, '--name', `${DISPATCHER}-wr`, '--yes']);
    assert.equal(whole.code, 0, show(whole));
    for (let i = 0; i < 20; i++) assert.equal(await versionOf(), 'four');
  });

  // ---- secrets on the plain worker ------------------------------------------------------------

  test('secret put stores the secret, the worker sees it, list shows the name only', async () => {
    const put = await wrangler(server, ['secret', 'put', 'ADMIN_TOKEN', '--name', `${DISPATCHER}-wr`],
      { input: 'adm-9f8e7d' });
    assert.equal(put.code, 0, show(put));
    assert.match(put.stdout, /Success! Uploaded secret ADMIN_TOKEN/, show(put));
    assert.equal((await hit(server, `${DISPATCHER}-wr.localhost`, '/_dispatcher/secret')).text, 'adm-9f8e7d');

    const list = await wrangler(server, ['secret', 'list', '--name', `${DISPATCHER}-wr`]);
    assert.equal(list.code, 0, show(list));
    assert.deepEqual(JSON.parse(list.stdout.slice(list.stdout.indexOf('['))), [{ name: 'ADMIN_TOKEN', type: 'secret_text' }]);
    assert.ok(!list.output.includes('adm-9f8e7d'));

    const rest = await api(server, 'GET', `A/workers/scripts/${DISPATCHER}-wr/secrets`);
    assert.equal(rest.status, 200, rest.text);
    assert.ok(!rest.text.includes('adm-9f8e7d'));
  });

  test('secret delete removes it from the worker and the list', async () => {
    const del = await wrangler(server, ['secret', 'delete', 'ADMIN_TOKEN', '--name', `${DISPATCHER}-wr`]);
    assert.equal(del.code, 0, show(del));
    assert.match(del.stdout, /Success! Deleted secret ADMIN_TOKEN/, show(del));
    assert.equal((await hit(server, `${DISPATCHER}-wr.localhost`, '/_dispatcher/secret')).text, 'unset');
    const rest = await api(server, 'GET', `A/workers/scripts/${DISPATCHER}-wr/secrets`);
    assert.deepEqual(rest.json?.result, []);
  });

  test('secret put on a worker that does not exist creates a stub worker holding the secret', async () => {
    const put = await wrangler(server, ['secret', 'put', 'EARLY', '--name', 'not-yet-deployed'], { input: 'early-value' });
    assert.equal(put.code, 0, show(put));
    assert.match(put.stdout, /Creating new Worker "not-yet-deployed"/, show(put));
    assert.match(put.stdout, /Success! Uploaded secret EARLY/, show(put));
    const secrets = await api(server, 'GET', 'A/workers/scripts/not-yet-deployed/secrets');
    assert.equal(secrets.status, 200, secrets.text);
    assert.deepEqual(secrets.json.result, [{ name: 'EARLY', type: 'secret_text' }]);

    // A later deploy of real code keeps the secret.
    const dir = project({
      'wrangler.toml': 'name = "not-yet-deployed"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
      'index.js': 'export default { fetch(r, env) { return new Response("early=" + env.EARLY); } };\n',
    });
    const dep = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(dep.code, 0, show(dep));
    assert.equal((await hit(server, 'not-yet-deployed.localhost', '/')).text, 'early=early-value');
  });

  // ---- account and deletion ----------------------------------------------------------------

  test('whoami names the account', async () => {
    const r = await wrangler(server, ['whoami']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /You are logged in with an (User )?API Token/, show(r));
    assert.ok(r.stdout.includes(ACCOUNT), show(r));
  });

  test('deploy (bundled) of a worker that imports a text file and a binary file', async () => {
    // wrangler's bundler sends each imported file as a part named by its specifier ('./<hash>-greeting.txt').
    const dir = project({
      'wrangler.toml': 'name = "bundled-files"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n',
      'src/index.js': `import greeting from './greeting.txt';
import bytes from './blob.bin';
export default {
  fetch() {
    return new Response(greeting.trim() + ' ' + bytes.byteLength);
  },
};
`,
      'src/greeting.txt': 'hello from a text module\n',
      'src/blob.bin': Buffer.from([1, 2, 3, 4, 5]),
    });
    const r = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.equal((await hit(server, 'bundled-files.localhost', '/')).text, 'hello from a text module 5');
  });

  test('delete removes a plain worker: the API and its host forget it', async () => {
    const dir = project({
      'wrangler.toml': 'name = "scratch"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
      'index.js': 'export default { fetch() { return new Response("scratch here"); } };\n',
    });
    const dep = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(dep.code, 0, show(dep));
    assert.equal((await hit(server, 'scratch.localhost', '/')).text, 'scratch here');

    const r = await wrangler(server, ['delete'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Successfully deleted scratch/, show(r));
    const gone = await api(server, 'GET', 'A/workers/services/scratch');
    assert.equal(gone.status, 404);
    assert.ok([10007, 10090].includes(gone.json?.errors?.[0]?.code), gone.text);
    assert.equal((await hit(server, 'scratch.localhost', '/')).status, 404);

    // --force skips the references check and deletes at once.
    const again = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(again.code, 0, show(again));
    const forced = await wrangler(server, ['delete', '--force'], { cwd: dir });
    assert.equal(forced.code, 0, show(forced));
    assert.equal((await api(server, 'GET', 'A/workers/scripts/scratch')).status, 404);
  });

  test('deleting a namespaced user worker makes the dispatcher answer "no such tenant"', async () => {
    const del = await api(server, 'DELETE', `A/workers/dispatch/namespaces/${NS}/scripts/cust-b`);
    assert.equal(del.status, 200, del.text);
    const res = await hit(server, tenant('cust-b'), '/');
    assert.equal(res.status, 404);
    assert.equal(res.text, 'no such tenant: cust-b');
  });
});
