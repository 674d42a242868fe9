// Streamed bodies: a large request body goes client -> dispatch worker -> user worker ->
// client (the user worker answers with `request.body`), side by side with workerd
// (dispatcher -> echo worker through a service binding).
//
//   node bench/stream.mjs [--quick] [--size-mb N]
//
// For each system: one upload of N MiB (1024; quick: 64) sent in 64 KiB chunks as fast as
// the connection takes them (Transfer-Encoding: chunked), the echo read at the same time.
// Reported: MB/s (bytes / time from the first byte sent to the last byte back), when the
// first byte came back and when the last was sent, and the server's RSS growth (VmRSS
// sampled every 20 ms, peak minus before). It fails when the echo differs from what was
// sent, or comes back short. Needs a build (./tenantd builds one) and workerd
// (BENCH_WORKERD, or bench/.cache/workerd as bench/run.sh installs it).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTenantd } from './lib/server.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const sizeArg = process.argv.indexOf('--size-mb');
const sizeMb = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : quick ? 64 : 1024;
const CHUNK = 64 * 1024;

function findWorkerd() {
  const candidates = [process.env.BENCH_WORKERD,
    path.join(BENCH, '.cache/workerd/node_modules/@cloudflare/workerd-linux-64/bin/workerd'),
    path.join(BENCH, '.cache/workerd/node_modules/workerd/bin/workerd')];
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) throw new Error('no workerd: run bash bench/run.sh --quick once (it installs it), or set BENCH_WORKERD');
  return found;
}

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

function startWorkerd(bin) {
  return new Promise((resolve, reject) => {
    const port = 40000 + Math.floor(Math.random() * 20000);
    const proc = spawn(bin, ['serve', path.join(BENCH, 'workerd', 'echo.capnp'), '--socket-addr', `http=127.0.0.1:${port}`],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const deadline = Date.now() + 30_000;
    const probe = () => http.get({ host: '127.0.0.1', port, path: '/__ready' }, (res) => { res.resume(); resolve({ proc, port }); })
      .on('error', () => (Date.now() > deadline ? reject(new Error('workerd did not start')) : setTimeout(probe, 200)));
    probe();
  });
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stream-bench-')), 'tenantd.toml');
fs.writeFileSync(config, `[server]\nmax-request-body-mb = ${sizeMb * 2}\n`);
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
  workerd = await startWorkerd(findWorkerd());
  // One unmeasured upload each (JIT, connection pools), then the measured one.
  const results = {};
  for (const [name, port, host, pid] of [['tenantd', t.workerPort, 'echo.stream.test', t.proc.pid],
    ['workerd', workerd.port, 'echo.stream.test', workerd.proc.pid]]) {
    await echo(port, host, pid).catch(() => null);
    results[name] = await echo(port, host, pid);
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
  for (const [name, r] of Object.entries(results)) {
    if (!(r.same && r.status === 200)) failed = true;
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
