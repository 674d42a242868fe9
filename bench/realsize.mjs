// Real-sized workers: a bundled Hono app (~100 KB, bench/workers/realsize/hono-app.js) and a
// ~1 MB bundle (Hono with whole utility libraries, big-app.js), side by side with workerd.
//
//   node bench/realsize.mjs [--quick] [--n N]
//
// The apps are bundled with esbuild from npm packages of pinned versions, installed into
// bench/.cache/realsize on first use. N distinct workers of each kind (100; quick: 10), each
// the bundle with its own `const WORKER_ID` in front, so no two share a code cache.
//
// Cold start, with no isolate of the worker in memory: tenantd gets every worker through the
// API, is restarted on the same data directory, and then each worker's first request goes
// through the dispatch worker (never served by the isolate that validated the upload).
// 20 other workers of the kind (quick: 5) go first on both systems, unmeasured, so that the
// servers' own code paths are warm.
// workerd starts each worker from code carried in its first request to a Worker Loader front
// (workers/loader-workerd.js). One worker at a time, the two systems interleaved per worker;
// the answer must be the worker's own ("hono <id>" / "big <id>").
//
// Cold start after LRU eviction: tenantd is restarted with room for N/4 live isolates, every
// worker is touched once, and then each worker's next request is timed, in the same order,
// so that its isolate was evicted in between (the server's eviction counter must say so).
// workerd's reference is a never-seen worker through its Worker Loader, as above.
//
// Density: each server's RSS before the first measured request of a kind and after the last,
// over N.
// Throughput: wrk -t1 -c16 on the first Hono worker, through the dispatcher on tenantd and
// through the loader front on workerd (both: a front worker, then the dynamic worker); a 3 s
// warm-up each, then 3 rounds of 5 s alternating (quick: 1 of 2 s), medians. The middleware
// chain runs on every request.
//
// Needs a build (./tenantd builds one), wrk, workerd (BENCH_WORKERD, or bench/.cache/workerd
// as bench/run.sh installs it) and the npm registry on first use. Takes about 3 minutes
// (quick: 1).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coldScript } from './lib/scripts.mjs';
import { startTenantd, percentile } from './lib/server.mjs';
import { startWorkerd } from './lib/workerd.mjs';
import { parseWrk } from './lib/wrk.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const nArg = process.argv.indexOf('--n');
const N = nArg > 0 ? Number(process.argv[nArg + 1]) : quick ? 10 : 100;
const WARM = quick ? 5 : 20;
const WRK_SECONDS = quick ? 2 : 5;
const WRK_ROUNDS = quick ? 1 : 3;
// Isolates tenantd keeps live in the eviction pass: fewer than the workers of a kind.
const EVICT_LIVE = Math.max(2, Math.floor(N / 4));
const PACKAGES = ['hono@4.13.19', 'zod@4.6.7', 'lodash-es@4.18.1', 'date-fns@4.4.0', 'esbuild@0.28.2'];
// `cold` is the ~12 KB generated worker of the main benchmark's cold-start section (lib/scripts.mjs),
// distinct in every id; the other two are bundles.
const KINDS = [{ kind: 'cold' }, { kind: 'hono', file: 'hono-app.js' }, { kind: 'big', file: 'big-app.js' }];

// The bundles, built once per set of package versions.
function bundles() {
  const cache = path.join(BENCH, '.cache', 'realsize');
  const stamp = path.join(cache, 'packages.txt');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== PACKAGES.join('\n')) {
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(path.join(cache, 'package.json'), '{"private": true}\n');
    console.log(`installing ${PACKAGES.join(' ')} into ${cache}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...PACKAGES], { cwd: cache, stdio: 'inherit' });
    fs.writeFileSync(stamp, PACKAGES.join('\n'));
  }
  const out = {};
  for (const { kind, file } of KINDS.filter((k) => k.file)) {
    const src = path.join(cache, 'src');
    fs.mkdirSync(src, { recursive: true });
    for (const f of fs.readdirSync(path.join(BENCH, 'workers', 'realsize'))) {
      fs.copyFileSync(path.join(BENCH, 'workers', 'realsize', f), path.join(src, f));
    }
    const bundle = path.join(cache, `${kind}.bundle.js`);
    execFileSync(path.join(cache, 'node_modules', '.bin', 'esbuild'), [path.join(src, file), '--bundle', '--format=esm',
      '--platform=neutral', '--main-fields=module,main', `--outfile=${bundle}`, '--log-level=warning'], { stdio: 'inherit' });
    out[kind] = fs.readFileSync(bundle, 'utf8');
  }
  return out;
}

function request(port, { method = 'GET', path: urlPath = '/', host, body, agent }) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const headers = { host };
    if (body) headers['content-type'] = 'application/javascript';
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString(),
        ms: Number(process.hrtime.bigint() - start) / 1e6 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function rssKb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

// Each system gets a 3 s warm-up, then WRK_ROUNDS rounds alternating between them; medians by req/s.
function throughput(targets) {
  const args = ({ port, host, urlPath }) => ['-t1', '-c16', '--latency', '-H', `Host: ${host}`, `http://127.0.0.1:${port}${urlPath}`];
  for (const target of Object.values(targets)) execFileSync('wrk', ['-d3s', ...args(target)], { stdio: 'ignore' });
  const runs = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let round = 0; round < WRK_ROUNDS; round++) {
    for (const [name, target] of Object.entries(targets)) {
      runs[name].push(parseWrk(execFileSync('wrk', [`-d${WRK_SECONDS}s`, ...args(target)], { encoding: 'utf8' })));
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([name, xs]) => [name, xs.sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)]]));
}

const code = bundles();
const source = (kind, id) => (kind === 'cold' ? coldScript(id) : `const WORKER_ID = ${JSON.stringify(id)};\n${code[kind]}`);
const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'realsize-bench-')), 'tenantd.toml');
fs.writeFileSync(config, `[limits]\nlive-isolates = ${4 * N + 100}\n`);
const token = 'realsize-token';
const t = startTenantd({ name: 'realsize', account: 'realsize', token, route: '*.rs.test/*=front', extraArgs: ['--config', config] });
let workerd;
const problems = [];
try {
  await t.waitHealthy();
  await t.api('POST', '/workers/dispatch/namespaces', { name: 'tenants' });
  await t.upload('/workers/scripts/front', { main_module: 'front.js', compatibility_date: '2025-01-01',
    bindings: [{ type: 'dispatch_namespace', name: 'dispatcher', namespace: 'tenants' }] }, 'front.js',
  fs.readFileSync(path.join(BENCH, 'workers', 'dispatcher-tenantd.js'), 'utf8'));
  const upload = {};
  for (const { kind } of KINDS) {
    upload[kind] = [];
    for (let i = -WARM; i < N; i++) {
      const id = i < 0 ? `${kind}-warm${-i}` : `${kind}-${i}`;
      const start = process.hrtime.bigint();
      await t.upload(`/workers/dispatch/namespaces/tenants/scripts/${id}`, { main_module: 'app.js', compatibility_date: '2025-01-01' },
        'app.js', source(kind, id));
      if (i >= 0) upload[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  await t.restart();
  // The front worker once, so that its own start is not charged to the first user worker.
  await request(t.workerPort, { host: 'front-warm.rs.test' });
  workerd = await startWorkerd('loader.capnp', { experimental: true });
  const agents = { tenantd: new http.Agent({ keepAlive: true }), workerd: new http.Agent({ keepAlive: true }) };
  const results = {};
  for (const { kind } of KINDS) {
    const r = { tenantd: { first: [], rss: [] }, workerd: { first: [], rss: [] },
      bytes: Buffer.byteLength(source(kind, `${kind}-0`)) };
    for (let i = -WARM; i < N; i++) {
      if (i === 0) {
        r.tenantd.rss = [rssKb(t.proc.pid)];
        r.workerd.rss = [rssKb(workerd.proc.pid)];
      }
      const id = i < 0 ? `${kind}-warm${-i}` : `${kind}-${i}`;
      const expected = `${kind} ${id}`;
      const a = await request(t.workerPort, { host: `${id}.rs.test`, agent: agents.tenantd });
      const b = await request(workerd.port, { method: 'POST', path: `/${id}`, host: 'loader', body: source(kind, id), agent: agents.workerd });
      for (const [name, x] of [['tenantd', a], ['workerd', b]]) {
        if (x.status !== 200 || x.text !== expected) problems.push(`${name} ${id}: HTTP ${x.status} ${x.text.slice(0, 160)}`);
        if (i >= 0) r[name].first.push(x.ms);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    r.tenantd.rss.push(rssKb(t.proc.pid));
    r.workerd.rss.push(rssKb(workerd.proc.pid));
    results[kind] = r;
  }
  for (const [name, x] of [['tenantd', await request(t.workerPort, { host: 'hono-0.rs.test' })],
    ['workerd', await request(workerd.port, { path: '/hono-0', host: 'loader' })]]) {
    if (x.text !== 'hono hono-0') problems.push(`${name} hono-0 before the throughput run: HTTP ${x.status} ${x.text.slice(0, 160)}`);
  }
  const tp = throughput({ tenantd: { port: t.workerPort, host: 'hono-0.rs.test', urlPath: '/' },
    workerd: { port: workerd.port, host: 'loader', urlPath: '/hono-0' } });

  // Cold start after LRU eviction: tenantd restarted with room for EVICT_LIVE isolates, every
  // worker of a kind touched once in order, then timed in the same order, so that each was
  // evicted since its last request. workerd's reference is again a never-seen worker.
  fs.writeFileSync(config, `[limits]\nlive-isolates = ${EVICT_LIVE}\n`);
  await t.restart();
  await request(t.workerPort, { host: 'front-warm.rs.test' });
  const evicted = {};
  for (const { kind } of KINDS) {
    for (let i = 0; i < N; i++) {
      const x = await request(t.workerPort, { host: `${kind}-${i}.rs.test`, agent: agents.tenantd });
      if (x.status !== 200) problems.push(`tenantd ${kind}-${i} before eviction: HTTP ${x.status} ${x.text.slice(0, 160)}`);
    }
    evicted[kind] = { tenantd: [], workerd: [] };
    for (let i = 0; i < N; i++) {
      const id = `${kind}-${i}`, fresh = `${kind}-fresh${i}`;
      const a = await request(t.workerPort, { host: `${id}.rs.test`, agent: agents.tenantd });
      const b = await request(workerd.port, { method: 'POST', path: `/${fresh}`, host: 'loader', body: source(kind, fresh), agent: agents.workerd });
      for (const [name, x, expected] of [['tenantd', a, `${kind} ${id}`], ['workerd', b, `${kind} ${fresh}`]]) {
        if (x.status !== 200 || x.text !== expected) problems.push(`${name} ${id} after eviction: HTTP ${x.status} ${x.text.slice(0, 160)}`);
        evicted[kind][name].push(x.ms);
      }
    }
  }
  const evictions = await t.metric('tenantd_isolates_evicted_total');
  if (!(evictions >= KINDS.length * N)) problems.push(`only ${evictions} isolates were evicted; every timed request must find its worker evicted`);

  const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const q = (xs, p) => percentile([...xs].sort((x, y) => x - y), p);
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0].model}; ${N} workers of each kind`);
  console.log('');
  console.log('| worker | tenantd cold p50 / p99 ms | workerd cold p50 / p99 ms | tenantd / workerd, p50 / p99 | tenantd KB per live worker | workerd KB per live worker | KB tenantd / workerd |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const { kind } of KINDS) {
    const r = results[kind];
    const kb = (s) => (s.rss[1] - s.rss[0]) / N;
    console.log(`| ${kind} (${fmt(r.bytes / 1024, 0)} KB) | ${fmt(q(r.tenantd.first, 0.5))} / ${fmt(q(r.tenantd.first, 0.99))}`
      + ` | ${fmt(q(r.workerd.first, 0.5))} / ${fmt(q(r.workerd.first, 0.99))}`
      + ` | ${fmt(q(r.tenantd.first, 0.5) / q(r.workerd.first, 0.5))}× / ${fmt(q(r.tenantd.first, 0.99) / q(r.workerd.first, 0.99))}×`
      + ` | ${fmt(kb(r.tenantd), 0)} | ${fmt(kb(r.workerd), 0)} | ${fmt(kb(r.tenantd) / kb(r.workerd))}× |`);
  }
  console.log('');
  console.log(`Cold start after LRU eviction (tenantd keeps ${EVICT_LIVE} isolates live; workerd: a never-seen worker each time):`);
  console.log('');
  console.log('| worker | tenantd cold p50 / p99 ms | workerd cold p50 / p99 ms | tenantd / workerd, p50 / p99 |');
  console.log('|---|---:|---:|---:|');
  for (const { kind } of KINDS) {
    const r = evicted[kind];
    console.log(`| ${kind} | ${fmt(q(r.tenantd, 0.5))} / ${fmt(q(r.tenantd, 0.99))} | ${fmt(q(r.workerd, 0.5))} / ${fmt(q(r.workerd, 0.99))}`
      + ` | ${fmt(q(r.tenantd, 0.5) / q(r.workerd, 0.5))}× / ${fmt(q(r.tenantd, 0.99) / q(r.workerd, 0.99))}× |`);
  }
  console.log('');
  for (const { kind } of KINDS) {
    console.log(`tenantd upload (PUT, validated in an isolate) of ${kind}: p50 ${fmt(q(upload[kind], 0.5))} ms, p99 ${fmt(q(upload[kind], 0.99))} ms`);
  }
  console.log(`throughput, hono worker behind a front worker (wrk -t1 -c16, ${WRK_SECONDS} s, median of ${WRK_ROUNDS}): tenantd ${fmt(tp.tenantd.rps, 0)} req/s`
    + ` (p50 ${fmt(tp.tenantd.p50)} ms, p99 ${fmt(tp.tenantd.p99)} ms), workerd ${fmt(tp.workerd.rps, 0)} req/s`
    + ` (p50 ${fmt(tp.workerd.p50)} ms, p99 ${fmt(tp.workerd.p99)} ms): ${fmt(tp.tenantd.rps / tp.workerd.rps)}×`);
  for (const [name, x] of Object.entries(tp)) {
    if (x.non2xx > 0 || x.socketErrors > 0) problems.push(`${name} throughput: ${x.non2xx} non-2xx, ${x.socketErrors} socket errors`);
  }
} finally {
  workerd?.proc.kill('SIGTERM');
  await t.stop();
}
for (const p of problems.slice(0, 20)) console.log(`problem: ${p}`);
if (problems.length > 0) {
  console.log(`${problems.length} problem(s)`);
  process.exitCode = 1;
}
