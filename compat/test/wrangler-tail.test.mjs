// wrangler 4.86 `tail` of a plain worker: POST .../tails, then a trace-v1 WebSocket whose
// events carry logs, exceptions, outcome, the request and the response status.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually, hit, parseJsonStream, show, startTenantd, workerForm, wrangler, wranglerProcess } from './helpers.mjs';

const SCRIPT = 'tailme';
const source = `export default {
  async fetch(request) {
    const url = new URL(request.url);
    console.log('tail-marker', url.pathname);
    console.warn('careful', { step: 2 });
    if (url.pathname === '/boom') throw new Error('kaboom-marker');
    return new Response('tailed', { status: url.pathname === '/teapot' ? 418 : 200 });
  },
};
`;

describe('wrangler tail', () => {
  let server;
  let tail;
  before(async () => {
    server = await startTenantd();
    const up = await api(server, 'PUT', `A/workers/scripts/${SCRIPT}`, {
      body: workerForm({ main_module: 'tail.mjs', compatibility_date: '2025-01-01' }, [['tail.mjs', source]]) });
    assert.equal(up.status, 200, up.text);
  });
  after(async () => {
    if (tail && tail.child.exitCode === null) tail.child.kill('SIGKILL');
    await server?.stop();
  });

  const events = () => parseJsonStream(tail.out.stdout).filter((e) => e && typeof e === 'object' && 'outcome' in e);
  // Later tests need the tail from the first one; fail at once when it is not running.
  const requireTail = () => {
    if (!tail || tail.child.exitCode !== null) {
      assert.fail(`wrangler tail is not running\n${tail ? show({ code: tail.child.exitCode, ...tail.out }) : ''}`);
    }
  };
  const eventFor = (path) => events().find((e) => e.event?.request?.url?.endsWith(path));

  test('tail connects and streams an event per request', async () => {
    tail = wranglerProcess(server, ['tail', SCRIPT, '--format', 'json']);
    // The socket opens a moment after the command starts: request until the first event shows up.
    let i = 0;
    const first = await eventually(async () => {
      if (tail.child.exitCode !== null) return 'exited';
      await hit(server, `${SCRIPT}.localhost`, `/warmup-${i++}`);
      return events().length > 0;
    }, { timeoutMs: 30_000, intervalMs: 300 });
    assert.equal(first, true, `no tail event arrived\n${show({ code: tail.child.exitCode, ...tail.out })}`);
  });

  test('an event carries the request, the response status, the outcome and the logs', async () => {
    requireTail();
    const res = await hit(server, `${SCRIPT}.localhost`, '/teapot', { headers: { 'x-probe': 'yes' } });
    assert.equal(res.status, 418);
    const ev = await eventually(() => eventFor('/teapot'), { timeoutMs: 10_000 });
    assert.ok(ev, `no event for /teapot\n${tail.out.stdout.slice(-2000)}`);
    assert.equal(ev.outcome, 'ok');
    assert.equal(ev.scriptName, SCRIPT);
    assert.equal(typeof ev.eventTimestamp, 'number');
    assert.ok(Math.abs(ev.eventTimestamp - Date.now()) < 60_000, `eventTimestamp ${ev.eventTimestamp} is epoch ms`);
    assert.equal(ev.event.request.method, 'GET');
    assert.equal(new URL(ev.event.request.url).pathname, '/teapot');
    assert.equal(ev.event.request.headers['x-probe'], 'yes');
    assert.equal(ev.event.response.status, 418);
    assert.deepEqual(ev.exceptions, []);
    const log = ev.logs.find((l) => l.level === 'log');
    assert.deepEqual(log?.message, ['tail-marker', '/teapot'], JSON.stringify(ev.logs));
    assert.equal(typeof log.timestamp, 'number');
    const warn = ev.logs.find((l) => l.level === 'warn');
    assert.deepEqual(warn?.message, ['careful', { step: 2 }], JSON.stringify(ev.logs));
  });

  test('an uncaught exception is reported with its name and message', async () => {
    requireTail();
    const res = await hit(server, `${SCRIPT}.localhost`, '/boom');
    assert.equal(res.status, 500);
    const ev = await eventually(() => eventFor('/boom'), { timeoutMs: 10_000 });
    assert.ok(ev, `no event for /boom\n${tail.out.stdout.slice(-2000)}`);
    assert.equal(ev.outcome, 'exception');
    assert.equal(ev.exceptions.length, 1, JSON.stringify(ev.exceptions));
    assert.equal(ev.exceptions[0].name, 'Error');
    assert.equal(ev.exceptions[0].message, 'kaboom-marker');
    assert.equal(typeof ev.exceptions[0].timestamp, 'number');
    assert.deepEqual(ev.logs.find((l) => l.level === 'log')?.message, ['tail-marker', '/boom']);
  });

  test('the tail answers wrangler\'s pings (it gives up after 20 s without a pong) and ends cleanly on interrupt', async () => {
    requireTail();
    await new Promise((r) => setTimeout(r, 21_000));
    assert.equal(tail.child.exitCode, null, `tail exited early\n${show({ code: tail.child.exitCode, ...tail.out })}`);
    const res = await hit(server, `${SCRIPT}.localhost`, '/after-ping');
    assert.equal(res.status, 200);
    assert.ok(await eventually(() => eventFor('/after-ping'), { timeoutMs: 10_000 }), tail.out.stdout.slice(-2000));
    tail.child.kill('SIGINT');
    const { code, signal } = await tail.closed;
    assert.ok(code === 0 || code === 130 || signal === 'SIGINT', `exit ${code} ${signal}\n${tail.out.stderr}`);
    assert.doesNotMatch(tail.out.stderr, /\[ERROR\]/, tail.out.stderr);
  });

  test('tail of a worker that does not exist fails with a non-zero exit', async () => {
    const r = await wrangler(server, ['tail', 'no-such-worker', '--format', 'json'], { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /no-such-worker/, show(r));
  });
});
