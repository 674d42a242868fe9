// Streamed bodies: a large request body goes client -> dispatch worker -> user worker ->
// client (the user worker answers with `request.body`), and many server-sent-event streams
// stay open at once, side by side with workerd (dispatcher -> the same user worker through a
// service binding, bench/workerd/echo.capnp).
//
//   node bench/stream.mjs [--quick] [--size-mb N] [--streams N]
//
// For each system: one upload of N MiB (1024; quick: 64) sent in 64 KiB chunks as fast as
// the connection takes them (Transfer-Encoding: chunked), the echo read at the same time.
// Reported: MB/s (bytes / time from the first byte sent to the last byte back), when the
// first byte came back and when the last was sent, and the server's RSS growth (VmRSS
// sampled every 20 ms, peak minus before). It fails when the echo differs from what was
// sent, or comes back short.
//
// Server-sent events: N streams (1000; quick: 100) opened at once, ten events each, 200 ms
// apart (bench/workers/echo.js); one unmeasured round first, as for the echo. For each event after the first, how much later than 200 ms
// after the one before it arrived (timer and delivery together); p50, p99 and the largest.
// It fails when a stream ends short.
//
// Small chunks: one response of N chunks of 100 bytes (20000; quick: 5000), each made by the
// pull of the worker's own ReadableStream (GET /chunks); one unmeasured first. Reported: chunks
// per second, first byte sent to last byte received.
//
// Targets (tenantd): RSS growth under 64 MB for the echo, and every event within 50 ms. As in
// fairness.mjs, a missed target fails the full run; the quick run reports it. Needs a build (./tenantd builds one) and workerd
// (BENCH_WORKERD, or bench/.cache/workerd as bench/run.sh installs it).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTenantd } from './lib/server.mjs';
import { startWorkerd } from './lib/workerd.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const sizeArg = process.argv.indexOf('--size-mb');
const sizeMb = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : quick ? 64 : 1024;
const CHUNK = 64 * 1024;
const streamsArg = process.argv.indexOf('--streams');
const streamCount = streamsArg > 0 ? Number(process.argv[streamsArg + 1]) : quick ? 100 : 1000;
const chunkCount = quick ? 5000 : 20000;
const SSE_EVENTS = 10;
const SSE_INTERVAL_MS = 200;

function rssKb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

// One upload through `port` with `host`; resolves with the timings, the bytes back and their hash.
function echo(port, host, pid) {
  return new Promise((resolve, reject) => {
    const pattern = crypto.randomBytes(CHUNK);
    const total = sizeMb * 1024 * 1024;
    const sent = crypto.createHash('sha256');
    const back = crypto.createHash('sha256');
    const before = rssKb(pid);
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, rssKb(pid)); }, 20);
    const start = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
    let firstBack = NaN;
    let lastSent = NaN;
    let received = 0;
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: {
      host, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } }, (res) => {
      res.on('data', (c) => {
        if (received === 0) firstBack = ms();
        received += c.length;
        back.update(c);
      });
      res.on('end', () => {
        clearInterval(sampler);
        peak = Math.max(peak, rssKb(pid));
        resolve({ status: res.statusCode, ms: ms(), firstBack, lastSent, received, total,
          same: received === total && back.digest('hex') === sent.digest('hex'), growthKb: peak - before });
      });
      res.on('error', reject);
    });
    req.on('error', (e) => { clearInterval(sampler); reject(e); });
    let offset = 0;
    const pump = () => {
      while (offset < total) {
        const piece = pattern.subarray(0, Math.min(CHUNK, total - offset));
        // Each chunk differs a little, so a server that reordered or repeated chunks is caught.
        const chunk = Buffer.from(piece);
        chunk.writeUInt32BE(offset / CHUNK, 0);
        sent.update(chunk);
        offset += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(() => { lastSent = ms(); });
    };
    pump();
  });
}

// One response of `count` small chunks; resolves with chunks per second and the bytes received.
function chunks(port, host, count) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let received = 0;
    http.get({ host: '127.0.0.1', port, path: `/chunks?count=${count}`, headers: { host } }, (res) => {
      res.on('data', (d) => { received += d.length; });
      res.on('end', () => resolve({ perSecond: count / (Number(process.hrtime.bigint() - start) / 1e9), received }));
    }).on('error', reject);
  });
}

// `count` event streams at once; resolves with every event's lateness (ms) and the streams that ended short.
async function events(port, host, count) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: count + 10 });
  const late = [];
  let short = 0;
  await Promise.all(Array.from({ length: count }, () => new Promise((resolve) => {
    const arrivals = [];
    let text = '';
    const req = http.get({ host: '127.0.0.1', port, path: '/sse', agent, headers: { host } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
        const now = Number(process.hrtime.bigint()) / 1e6;
        for (let at; (at = text.indexOf('\n\n')) >= 0; text = text.slice(at + 2)) arrivals.push(now);
      });
      res.on('end', () => {
        if (arrivals.length !== SSE_EVENTS || res.statusCode !== 200) short++;
        for (let i = 1; i < arrivals.length; i++) late.push(arrivals[i] - arrivals[i - 1] - SSE_INTERVAL_MS);
        resolve();
      });
    });
    req.on('error', () => { short++; resolve(); });
  })));
  agent.destroy();
  late.sort((a, b) => a - b);
  const at = (p) => late[Math.min(late.length - 1, Math.floor(late.length * p))];
  return { p50: at(0.5), p99: at(0.99), max: late[late.length - 1], short, count };
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stream-bench-')), 'tenantd.toml');
// Every stream comes from 127.0.0.1: the per-address cap must let them all in.
fs.writeFileSync(config, `[server]\nmax-request-body-mb = ${sizeMb * 2}\nmax-connections-per-ip = ${streamCount + 100}\n`);
const token = 'stream-token';
const t = startTenantd({ name: 'stream', account: 'stream', token, route: '*.stream.test/*=front',
  extraArgs: ['--config', config] });
let workerd;
let failed = false;
try {
  await t.waitHealthy();
  await t.api('POST', '/workers/dispatch/namespaces', { name: 'tenants' });
  await t.upload('/workers/dispatch/namespaces/tenants/scripts/echo', { main_module: 'echo.js', compatibility_date: '2025-01-01' },
    'echo.js', fs.readFileSync(path.join(BENCH, 'workers', 'echo.js'), 'utf8'));
  await t.upload('/workers/scripts/front', { main_module: 'front.js', compatibility_date: '2025-01-01',
    bindings: [{ type: 'dispatch_namespace', name: 'NS', namespace: 'tenants' }] }, 'front.js',
  'export default { fetch(request, env) { return env.NS.get("echo").fetch(request); } };');
  workerd = await startWorkerd('echo.capnp');
  // One unmeasured upload each (JIT, connection pools), then the measured one.
  const results = {};
  for (const [name, port, host, pid] of [['tenantd', t.workerPort, 'echo.stream.test', t.proc.pid],
    ['workerd', workerd.port, 'echo.stream.test', workerd.proc.pid]]) {
    await echo(port, host, pid).catch(() => null);
    results[name] = await echo(port, host, pid);
    await chunks(port, host, chunkCount);
    results[name].chunks = await chunks(port, host, chunkCount);
    await events(port, host, streamCount);
    results[name].events = await events(port, host, streamCount);
  }
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0].model}; body ${sizeMb} MiB, 64 KiB chunks`);
  console.log('| | tenantd | workerd |');
  console.log('|---|---:|---:|');
  const row = (label, f) => console.log(`| ${label} | ${f(results.tenantd)} | ${f(results.workerd)} |`);
  row('MB/s (MiB sent and echoed / time)', (r) => fmt(r.total / 1048576 / (r.ms / 1000)));
  row('first byte back (ms after the first sent)', (r) => fmt(r.firstBack));
  row('last byte sent (ms)', (r) => fmt(r.lastSent));
  row('server RSS growth (MB, peak - before)', (r) => fmt(r.growthKb / 1024));
  row('echo complete and identical', (r) => (r.same && r.status === 200 ? 'yes' : `NO (status ${r.status}, ${r.received} bytes)`));
  row(`${chunkCount} chunks of 100 bytes from a worker's stream: chunks/s`, (r) => fmt(r.chunks.perSecond, 0));
  row(`${streamCount} event streams at once: lateness p50 / p99 / max (ms)`,
    (r) => `${fmt(r.events.p50)} / ${fmt(r.events.p99)} / ${fmt(r.events.max)}`);
  row('event streams that ended short', (r) => String(r.events.short));
  for (const [name, r] of Object.entries(results)) {
    if (!(r.same && r.status === 200)) failed = true;
    if (r.chunks.received !== chunkCount * 100) {
      console.log(`${name}: the chunked response came back with ${r.chunks.received} bytes, not ${chunkCount * 100}`);
      failed = true;
    }
    if (name === 'tenantd' && r.events.short > 0) failed = true;
    if (name === 'tenantd') {
      const missed = [];
      if (r.growthKb >= 64 * 1024) missed.push(`RSS grew ${fmt(r.growthKb / 1024)} MB during the echo (target < 64)`);
      if (!(r.events.max <= 50)) missed.push(`an event came ${fmt(r.events.max)} ms late (target <= 50)`);
      for (const m of missed) console.log(`target missed: ${m}`);
      if (missed.length > 0 && !quick) failed = true;
    }
    if (!(r.firstBack < r.lastSent)) {
      console.log(`${name}: the first byte came back after the last was sent`);
      if (name === 'tenantd') failed = true;
    }
  }
} catch (e) {
  console.error(e);
  failed = true;
} finally {
  workerd?.proc.kill('SIGTERM');
  await t.stop();
}
process.exit(failed ? 1 : 0);
