// WebSockets through tenantd: a chat worker deployed by wrangler 4.86 into a dispatch namespace,
// reached by real WebSocket clients (the `ws` package wrangler itself uses) through the standard
// dispatcher, which passes the 101 on with `new Response(res.body, res)`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TENANT_SUFFIX, modulesDir, project, show, startTenantd, uploadDispatcher, wrangler } from './helpers.mjs';

const WebSocket = createRequire(path.join(modulesDir, 'wrangler', 'package.json'))('ws');
const NS = 'customers';

const chat = project({
  'wrangler.toml': `name = "room"
main = "src/index.js"
compatibility_date = "2025-01-01"
`,
  'src/index.js': `const members = new Set();
export default {
  fetch(request) {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('expected a WebSocket', { status: 426 });
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    members.add(server);
    server.addEventListener('message', (event) => {
      for (const member of members) member.send(event.data);
    });
    server.addEventListener('close', () => members.delete(server));
    return new Response(null, { status: 101, webSocket: client });
  },
};
`,
});

function open(server) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.workerPort}/`, { headers: { host: `room.${TENANT_SUFFIX}` } });
    const received = [];
    const waiting = [];
    ws.on('message', (data) => {
      const text = data.toString();
      const next = waiting.shift();
      if (next) next(text); else received.push(text);
    });
    ws.next = () => received.length > 0 ? Promise.resolve(received.shift())
      : new Promise((r) => waiting.push(r));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('WebSockets', () => {
  let server;
  before(async () => {
    server = await startTenantd();
    const created = await wrangler(server, ['dispatch-namespace', 'create', NS]);
    assert.equal(created.code, 0, show(created));
    const up = await uploadDispatcher(server, NS, 'ws');
    assert.equal(up.status, 200, up.text);
    const deployed = await wrangler(server, ['deploy', '--dispatch-namespace', NS], { cwd: chat });
    assert.equal(deployed.code, 0, show(deployed));
  });
  after(async () => { await server?.stop(); });

  test('a chat room deployed with wrangler broadcasts between two clients through the dispatcher', async () => {
    const alice = await open(server);
    const bob = await open(server);
    alice.send('hello from alice');
    assert.equal(await alice.next(), 'hello from alice');
    assert.equal(await bob.next(), 'hello from alice');
    bob.send('hello from bob');
    assert.equal(await alice.next(), 'hello from bob');
    assert.equal(await bob.next(), 'hello from bob');
    const closed = new Promise((resolve) => alice.once('close', (code) => resolve(code)));
    alice.close(4000, 'leaving');
    assert.equal(await closed, 4000);
    bob.close();
  });

  test('an oversized message is refused with 1009', async () => {
    const ws = await open(server);
    const closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(Buffer.alloc(1024 * 1024 + 1));
    assert.equal(await closed, 1009);
  });
});
