// wrangler 4.86 deploys two plain workers, one calling the other's methods over JS RPC through
// service bindings: the default entrypoint, and a named one (`entrypoint` in wrangler.toml).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hit, project, show, startTenantd, wrangler } from './helpers.mjs';

describe('wrangler deploy with JS RPC over service bindings', () => {
  let server;
  before(async () => { server = await startTenantd(); });
  after(async () => { await server?.stop(); });

  test('the target worker with entrypoint classes deploys', async () => {
    const dir = project({
      'wrangler.toml': `name = "calc-rpc"
main = "src/index.js"
compatibility_date = "2025-01-01"

[vars]
SITE = "example"
`,
      'src/index.js': `import { WorkerEntrypoint } from 'cloudflare:workers';
export class Admin extends WorkerEntrypoint {
  whoami() { return 'admin of ' + this.env.SITE; }
}
export default class Calc extends WorkerEntrypoint {
  add(a, b) { return a + b; }
  fail() { throw new RangeError('too big'); }
  fetch() { return new Response('calc'); }
}
`,
    });
    const r = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.equal((await hit(server, 'calc-rpc.localhost', '/')).text, 'calc');
  });

  test('a caller deployed with service bindings calls its methods, on the default and a named entrypoint', async () => {
    const dir = project({
      'wrangler.toml': `name = "front-rpc"
main = "src/index.js"
compatibility_date = "2025-01-01"

services = [
  { binding = "CALC", service = "calc-rpc" },
  { binding = "ADMIN", service = "calc-rpc", entrypoint = "Admin" },
]
`,
      'src/index.js': `export default {
  async fetch(request, env) {
    const failed = await env.CALC.fail().catch((e) => e.name + ': ' + e.message);
    return Response.json({ sum: await env.CALC.add(2, 3), admin: await env.ADMIN.whoami(), failed });
  },
};
`,
    });
    const r = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    const res = await hit(server, 'front-rpc.localhost', '/');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.text), { sum: 5, admin: 'admin of example', failed: 'RangeError: too big' });
  });
});
