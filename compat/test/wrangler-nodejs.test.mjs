// Workers built with nodejs_compat by wrangler 4.86: its bundler (through
// @cloudflare/unenv-preset) leaves some node:* imports to the runtime, depending on the
// compatibility date, and polyfills the rest. The bundles must load in tenantd and behave
// as on Cloudflare, at an old and a recent date.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compatDir, hit, modulesDir, project, show, startTenantd, wrangler } from './helpers.mjs';

const fixture = path.join(compatDir, 'fixtures', 'node-app');
const DATES = ['2025-01-01', '2026-12-01'];

function nodeProject(name, date) {
  const files = { 'wrangler.toml': `name = "${name}"
main = "src/index.js"
compatibility_date = "${date}"
compatibility_flags = ["nodejs_compat"]

[vars]
GREETING = "hello from vars"
` };
  for (const file of fs.readdirSync(path.join(fixture, 'src'))) {
    files[`src/${file}`] = fs.readFileSync(path.join(fixture, 'src', file), 'utf8');
  }
  return project(files);
}

describe('wrangler deploy with nodejs_compat', () => {
  let server;
  before(async () => { server = await startTenantd(); });
  after(async () => { await server?.stop(); });

  for (const date of DATES) {
    test(`a bundle using node modules, built at compatibility date ${date}, loads and behaves as Node's`, async () => {
      const name = `node-app-${date.replaceAll('-', '')}`;
      const r = await wrangler(server, ['deploy'], { cwd: nodeProject(name, date) });
      assert.equal(r.code, 0, show(r));
      const res = await hit(server, `${name}.localhost`, '/?user=bob');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(JSON.parse(res.text), {
        ready: 'go',
        streamed: 'ABC',
        decoded: '€',
        delayed: 'later',
        store: 'bob',
        sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
        hmac: 'EEFSxb/coHvGM+69RhmfAlXJ9J0=',
        uuid: 36,
        base64: 'aGVsbG8gd29ybGQ=',
        globalBuffer: true,
        // process.env is filled from text bindings from 2025-04-01 on.
        env: date >= '2025-04-01' ? 'hello from vars' : null,
        format: 'x=42',
        inspect: '{ nested: { list: [ 1, 2 ] } }',
        path: '/a/c/d.txt',
        file: '/tmp/x.txt',
        legacy: '321c3cf486ed509164edec1e1981fec8',
      });
    });

    test(`every node module wrangler leaves to the runtime at ${date} resolves`, async () => {
      const presetUrl = pathToFileURL(path.join(modulesDir, '@cloudflare', 'unenv-preset', 'dist', 'index.mjs'));
      const { getCloudflarePreset } = await import(presetUrl.href);
      const preset = getCloudflarePreset({ compatibilityDate: date, compatibilityFlags: ['nodejs_compat'] });
      const native = preset.external.filter((m) => m.startsWith('node:'));
      assert.ok(native.length >= 30, `the preset leaves modules to the runtime: ${native.join(' ')}`);
      const source = [
        ...native.map((m, i) => `import * as m${i} from '${m}';`),
        `const all = [${native.map((_, i) => `m${i}`).join(', ')}];`,
        'export default { fetch() { return new Response(String(all.filter((m) => m.default !== undefined).length)); } };',
      ].join('\n');
      const name = `node-all-${date.replaceAll('-', '')}`;
      const dir = project({
        // Uploaded as written: the bundler's own resolver does not know every name it leaves
        // to the runtime (esbuild on Node 20 has no node:sqlite), and the runtime is under test.
        'wrangler.toml': `name = "${name}"\nmain = "index.js"\ncompatibility_date = "${date}"\ncompatibility_flags = ["nodejs_compat"]\nno_bundle = true\n`,
        'index.js': source,
      });
      const r = await wrangler(server, ['deploy'], { cwd: dir });
      assert.equal(r.code, 0, show(r));
      const res = await hit(server, `${name}.localhost`, '/');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.text, String(native.length));
    });
  }

  test("hono's contextStorage() gives each of many concurrent requests its own context after awaits", async () => {
    const dir = project({
      'wrangler.toml': 'name = "hono-context"\nmain = "index.js"\ncompatibility_date = "2026-12-01"\ncompatibility_flags = ["nodejs_als"]\n',
      'index.js': `import { Hono } from 'hono';
import { contextStorage, getContext } from 'hono/context-storage';

const app = new Hono();
app.use(contextStorage());
app.use(async (c, next) => {
  c.set('user', c.req.query('user'));
  await next();
});

// Deep in the app, with no context passed: after a timer, a digest and a subrequest-free await.
async function currentUser(delay) {
  await new Promise((resolve) => setTimeout(resolve, delay));
  await crypto.subtle.digest('SHA-256', new TextEncoder().encode(getContext().var.user));
  await Promise.resolve();
  return getContext().var.user;
}

app.get('/', async (c) => c.text(await currentUser(Number(c.req.query('delay')))));
export default app;
`,
    });
    // wrangler bundles hono from the compat suite's pinned packages.
    fs.symlinkSync(modulesDir, path.join(dir, 'node_modules'), 'dir');
    const r = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    // Later requests finish first: every continuation runs while other requests are in flight.
    const users = Array.from({ length: 12 }, (_, i) => `user${i}`);
    const answers = await Promise.all(users.map((user, i) => hit(server, 'hono-context.localhost',
      `/?user=${user}&delay=${2 * (users.length - i)}`)));
    assert.deepEqual(answers.map((a) => `${a.status} ${a.text}`), users.map((user) => `200 ${user}`));
  });

  test('the same bundle without nodejs_compat is refused with the flag to turn on', async () => {
    const dir = project({
      'wrangler.toml': 'name = "node-no-flag"\nmain = "index.js"\ncompatibility_date = "2026-12-01"\nno_bundle = true\n',
      'index.js': "import { Buffer } from 'node:buffer';\nexport default { fetch() { return new Response(Buffer.from('x').toString('hex')); } };\n",
    });
    const r = await wrangler(server, ['deploy'], { cwd: dir });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stdout + r.stderr, /nodejs_compat/, show(r));
  });
});
