// tenantd benchmark suite, side by side with workerd. Started by bench/run.sh,
// which installs the tools and passes their paths in the environment:
//   BENCH_JAVA       java of JDK 21+ (runs tenantd, the Vert.x ceiling, the load generator, JMH)
//   BENCH_WORKERD    the workerd binary
//   BENCH_TENANTD    a directory holding tenantd-server.jar and lib/ (a private copy of the build)
//   BENCH_JMH_CP     classpath of the built bench/jmh module ("" skips JMH)
//   BENCH_RUN_DIR    scratch directory for this run (logs, data directories)
//   BENCH_OUT        the results markdown file to write
//   BENCH_QUICK      "1" for the smoke run
// tenantd and the Vert.x ceiling run with the JVM options of `./tenantd serve` (lib/jvm.mjs);
// BENCH_TENANTD_JVM_ARGS adds more, for experiments.
// Exits non-zero when anything failed: a non-2xx answer, a socket error, a failed
// upload, a dispatch that reached the wrong worker.

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coldScript, densityScript } from './scripts.mjs';
import { parseWrk } from './wrk.mjs';
import { tenantdJvmOptions, tenantdServeArgs } from './jvm.mjs';

const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(BENCH, '..');
const env = (k, d) => process.env[k] ?? d;
const QUICK = env('BENCH_QUICK', '0') === '1';
const JAVA = env('BENCH_JAVA', 'java');
const WORKERD = env('BENCH_WORKERD');
const TENANTD = env('BENCH_TENANTD');
const JMH_CP = env('BENCH_JMH_CP', '');
const RUN_DIR = env('BENCH_RUN_DIR');
const OUT = env('BENCH_OUT');
const TOKEN = 'bench-token';
const ACCOUNT = 'bench';
const COMPAT_DATE = '2025-01-01';
const ORDER_JSON = path.join(BENCH, 'workers', 'order.json');

// Everything that decides how long the run takes, in one place.
const P = QUICK ? {
  threads: 2, connections: 32, duration: 2, warmup: 0, rounds: 1,
  pacedDuration: 1.5, pacedWarmup: 0.5, pacedRounds: 1, pacedScenarios: ['a'],
  coldN: 20, coldWarm: 3, densityN: [50, 200], settleMs: 400, densityConcurrency: 4, uploadConcurrency: 4, retouch: 20,
  jmh: ['-f', '0', '-wi', '1', '-w', '500ms', '-i', '1', '-r', '500ms'],
  quietWaitS: 0, quietShare: 0.1, retries: 0,
} : {
  threads: 2, connections: 32, duration: 10, warmup: 3, rounds: 3,
  pacedDuration: 10, pacedWarmup: 2, pacedRounds: 2, pacedScenarios: ['a', 'b'],
  coldN: 200, coldWarm: 20, densityN: [1000, 10000], settleMs: 2000, densityConcurrency: 4, uploadConcurrency: 4, retouch: 100,
  jmh: [],
  quietWaitS: 60, quietShare: 0.1, retries: 2,
};
for (const k of Object.keys(P)) {
  const v = process.env['BENCH_' + k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()];
  if (v !== undefined) P[k] = Array.isArray(P[k]) ? v.split(',').filter(Boolean).map((x) => (isNaN(x) ? x : Number(x))) : Number(v);
}

// BENCH_SECTIONS=throughput,paced,cold,density,jmh runs a subset (for development; the report marks the rest skipped).
const SECTIONS = new Set(env('BENCH_SECTIONS', 'throughput,paced,cold,density,jmh').split(','));
const problems = [];
const notes = []; // limits of the reference system, reported but not failing the run
const children = [];
const started = Date.now();

function log(...args) {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.error(`[${t}s]`, ...args);
}

function note(msg) {
  msg = msg.split(ROOT + '/').join('');
  notes.push(msg);
  log('NOTE:', msg);
}

function problem(msg) {
  msg = msg.split(ROOT + '/').join('');
  problems.push(msg);
  log('PROBLEM:', msg);
}

// ---------------------------------------------------------------- processes

function startProcess(name, cmd, args, opts = {}) {
  const logFile = path.join(RUN_DIR, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', out], cwd: opts.cwd ?? RUN_DIR, env: { ...process.env, ...(opts.env ?? {}) } });
  children.push(child);
  child.name = name;
  child.logFile = logFile;
  child.stdoutText = '';
  child.stdout.on('data', (d) => {
    child.stdoutText += d;
    fs.appendFileSync(logFile, d);
  });
  child.exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  child.on('exit', (code, sig) => {
    if (!child.stopping && !child.expectExit) problem(`${name} exited unexpectedly (code ${code}, signal ${sig}); see ${logFile}`);
    else if (!child.stopping) log(`${name} exited (code ${code}, signal ${sig}); see ${logFile}`);
  });
  return child;
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.stopping = true;
  child.kill('SIGTERM');
  const done = await Promise.race([child.exited, sleep(10000).then(() => null)]);
  if (!done) child.kill('SIGKILL');
}

function killAll() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.stopping = true;
      try { c.kill('SIGKILL'); } catch { /* gone */ }
    }
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(130); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN; // the process is gone
  }
}

// ---------------------------------------------------------------- other load on the machine
// The machine may be shared (builds, tests). Foreign CPU = all busy CPU time minus
// what this run's own processes used: node itself, the load generators it waited
// for (counted in its children's time) and every server it started.

function cpuTicks() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = f;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

function procTicks(pid, withChildren) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
  } catch {
    return 0;
  }
}

function ownTicks() {
  let t = procTicks(process.pid, true);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) t += procTicks(c.pid, true);
  return t;
}

function cpuSnapshot() {
  return { cpu: cpuTicks(), own: ownTicks() };
}

/** Share of the whole machine's CPU used by processes outside this run since snapshot a. */
function foreignShare(a) {
  const b = cpuSnapshot();
  const total = b.cpu.total - a.cpu.total;
  if (total <= 0) return 0;
  return Math.max(0, (b.cpu.busy - a.cpu.busy - (b.own - a.own)) / total);
}

const noise = { waitedS: 0, repeated: 0, worst: 0, worstWhat: '' };

function noteForeign(what, share) {
  if (share > noise.worst) {
    noise.worst = share;
    noise.worstWhat = what;
  }
}

/** Waits (up to P.quietWaitS in all, per call) until other processes leave the CPU alone. */
async function awaitQuiet(what) {
  if (P.quietWaitS <= 0) return;
  const until = Date.now() + P.quietWaitS * 1000;
  let warned = false;
  while (Date.now() < until) {
    const a = cpuSnapshot();
    await sleep(1000);
    const share = foreignShare(a);
    if (share < P.quietShare) return;
    noise.waitedS += 1;
    if (!warned) log(`  machine busy before ${what}: ${(share * 100).toFixed(0)}% of the CPU used by other processes; waiting up to ${P.quietWaitS} s`);
    warned = true;
  }
  log(`  still busy before ${what}; measuring anyway`);
}

// ---------------------------------------------------------------- HTTP client

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function request(port, { method = 'GET', path: p = '/', host, headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (host) h.host = host;
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(60000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  return { r, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

async function pool(items, concurrency, fn) {
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, run));
}

// ---------------------------------------------------------------- tenantd

class Tenantd {
  constructor(name, config) {
    this.name = name;
    this.config = config;
  }

  async start() {
    const dataDir = path.join(RUN_DIR, `${this.name}-data`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    const args = [...tenantdJvmOptions(), '-jar', path.join(TENANTD, 'tenantd-server.jar'),
      'serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0',
      '--account-id', ACCOUNT, '--api-token', TOKEN, '--route', '*.bench.test/*=dispatcher', ...tenantdServeArgs()];
    if (this.config) {
      const toml = path.join(RUN_DIR, `${this.name}.toml`);
      fs.writeFileSync(toml, this.config);
      args.push('--config', toml);
    }
    this.proc = startProcess(this.name, JAVA, args);
    const ports = await waitFor(`${this.name} to print its ports`, () => {
      const w = /workers:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(this.proc.stdoutText);
      const a = /API:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(this.proc.stdoutText);
      if (this.proc.exitCode !== null) throw new Error(`${this.name} exited; see ${this.proc.logFile}`);
      return w && a ? [Number(w[1]), Number(a[1])] : null;
    });
    [this.port, this.apiPort] = ports;
    await waitFor(`${this.name} /healthz`, async () => (await request(this.apiPort, { path: '/healthz' })).status === 200);
    this.pid = this.proc.pid;
    log(`${this.name} up: workers :${this.port}, API :${this.apiPort}, pid ${this.pid}`);
  }

  async api(method, p, { body, contentType } = {}) {
    const headers = { authorization: `Bearer ${TOKEN}` };
    if (contentType) headers['content-type'] = contentType;
    const res = await request(this.apiPort, { method, path: `/client/v4/accounts/${ACCOUNT}${p}`, headers, body });
    let json = null;
    try { json = JSON.parse(res.text); } catch { /* not JSON */ }
    if (res.status !== 200 || !json?.success) {
      throw new Error(`${method} ${p} failed: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    }
    return json.result;
  }

  async createNamespace(name) {
    return this.api('POST', '/workers/dispatch/namespaces', { body: JSON.stringify({ name }), contentType: 'application/json' });
  }

  // PUT a worker of ES modules; ns = null for a plain worker.
  async putWorker(ns, name, mainModule, modules, bindings = []) {
    const boundary = '----tenantd-bench-' + Math.random().toString(16).slice(2);
    const parts = [];
    const meta = JSON.stringify({ main_module: mainModule, compatibility_date: COMPAT_DATE, bindings });
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n${meta}\r\n`);
    for (const [file, code] of Object.entries(modules)) {
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${file}"; filename="${file}"\r\n`
        + `Content-Type: application/javascript+module\r\n\r\n${code}\r\n`);
    }
    parts.push(`--${boundary}--\r\n`);
    const p = ns ? `/workers/dispatch/namespaces/${ns}/scripts/${name}` : `/workers/scripts/${name}`;
    return this.api('PUT', p, { body: parts.join(''), contentType: `multipart/form-data; boundary=${boundary}` });
  }

  async stop() {
    await stopProcess(this.proc);
  }
}

const readWorker = (f) => fs.readFileSync(path.join(BENCH, 'workers', f), 'utf8');

async function setUpTenantd(t) {
  await t.createNamespace('ns');
  await t.putWorker(null, 'dispatcher', 'dispatcher.js', { 'dispatcher.js': readWorker('dispatcher-tenantd.js') },
    [{ type: 'dispatch_namespace', name: 'dispatcher', namespace: 'ns' }]);
}

// ---------------------------------------------------------------- workerd and the Vert.x ceiling

async function startWorkerd(name, config, experimental = false) {
  const port = await freePort();
  const args = ['serve', path.join(BENCH, 'workerd', config), '--socket-addr', `http=127.0.0.1:${port}`];
  if (experimental) args.push('--experimental');
  const proc = startProcess(name, WORKERD, args);
  await waitFor(`${name} to listen`, async () => {
    if (proc.exitCode !== null) throw new Error(`${name} exited; see ${proc.logFile}`);
    return (await request(port, { path: '/__ready' }).catch(() => null)) !== null;
  });
  log(`${name} up: :${port}, pid ${proc.pid}`);
  return { name, port, pid: proc.pid, proc };
}

async function startVertx(classes) {
  const proc = startProcess('vertx-hello', JAVA, [...tenantdJvmOptions(),
    `-Dlogback.configurationFile=${path.join(BENCH, 'tools', 'logback.xml')}`,
    '-cp', `${classes}:${path.join(TENANTD, 'lib')}/*`, 'VertxHello', '0']);
  const port = await waitFor('Vert.x hello to listen', () => {
    if (proc.exitCode !== null) throw new Error(`vertx-hello exited; see ${proc.logFile}`);
    const m = /listening on (\d+)/.exec(proc.stdoutText);
    return m ? Number(m[1]) : null;
  });
  log(`vertx-hello up: :${port}, pid ${proc.pid}`);
  return { name: 'vertx-hello', port, pid: proc.pid, proc };
}

// ---------------------------------------------------------------- wrk

function runWrk(target, duration) {
  const args = [`-t${P.threads}`, `-c${P.connections}`, `-d${duration}s`, '--latency', '-H', `Host: ${target.host}`];
  if (target.lua) args.push('-s', target.lua);
  args.push(`http://127.0.0.1:${target.port}/`);
  const out = execFileSync('wrk', args, { encoding: 'utf8', env: { ...process.env, BENCH_BODY_FILE: ORDER_JSON }, stdio: ['ignore', 'pipe', 'pipe'] });
  return parseWrk(out);
}

const median = (xs) => {
  const s = [...xs].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil(p * s.length) - 1))];
};

// One measurement on a quiet machine: wait for quiet, measure, and measure again
// (up to P.retries times) when other processes took more than P.quietShare of the CPU.
async function measured(what, fn) {
  for (let attempt = 0; ; attempt++) {
    await awaitQuiet(what);
    const a = cpuSnapshot();
    const r = fn();
    const share = foreignShare(a);
    if (share < P.quietShare || attempt >= P.retries) {
      noteForeign(what, share);
      return r;
    }
    noise.repeated++;
    log(`  ${what}: other processes used ${(share * 100).toFixed(0)}% of the CPU meanwhile; measuring again`);
  }
}

// A section that fails is reported (and fails the run) but does not stop the others.
async function section(what, fn) {
  await awaitQuiet(what);
  const a = cpuSnapshot();
  try {
    return await fn();
  } catch (e) {
    problem(`${what} did not complete: ${e.message}`);
    log(e.stack);
    return null;
  } finally {
    noteForeign(what, foreignShare(a));
  }
}

// Warm-up run per system (discarded), then rounds of A B [C] A B [C] ...; medians.
async function throughput(scenario) {
  log(`throughput (${scenario.id}) ${scenario.title}`);
  if (P.warmup > 0) for (const s of scenario.systems) runWrk(s, P.warmup);
  const runs = Object.fromEntries(scenario.systems.map((s) => [s.name, []]));
  for (let round = 1; round <= P.rounds; round++) {
    for (const s of scenario.systems) {
      const r = await measured(`(${scenario.id}) ${s.name} round ${round}`, () => runWrk(s, P.duration));
      runs[s.name].push(r);
      log(`  ${s.name} round ${round}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`
        + (r.non2xx || r.socketErrors ? `, non-2xx ${r.non2xx}, socket errors ${r.socketErrors}` : ''));
      if (r.non2xx || r.socketErrors) {
        problem(`(${scenario.id}) ${s.name} round ${round}: ${r.non2xx} non-2xx responses, ${r.socketErrors} socket errors`);
      }
    }
  }
  const result = {};
  for (const s of scenario.systems) {
    const rs = runs[s.name];
    result[s.name] = {
      rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)),
      all: rs.map((r) => Math.round(r.rps)), requests: rs.reduce((a, r) => a + r.requests, 0),
      errors: rs.reduce((a, r) => a + r.non2xx + r.socketErrors, 0),
    };
  }
  return result;
}

// ---------------------------------------------------------------- paced load (p99 at a fixed rate)

function runPaced(classes, target, rate) {
  const args = ['-cp', classes, 'PacedLoad', '--port', String(target.port), '--host-header', target.host,
    '--rate', String(Math.round(rate)), '--connections', String(P.connections),
    '--duration', String(P.pacedDuration), '--warmup', String(P.pacedWarmup)];
  if (target.lua) args.push('--method', 'POST', '--body-file', ORDER_JSON, '--content-type', 'application/json');
  const out = execFileSync(JAVA, args, { encoding: 'utf8', cwd: RUN_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop());
}

// `floor`: the raw Vert.x hello server, paced at the same rate: what the machine and the
// generator leave of the latency budget when the server does almost nothing.
async function paced(classes, scenario, rate, floor) {
  log(`paced (${scenario.id}) at ${Math.round(rate)} req/s`);
  const systems = [...scenario.systems.filter((s) => s.name !== 'vertx'), ...(floor ? [floor] : [])];
  const runs = Object.fromEntries(systems.map((s) => [s.name, []]));
  for (let round = 1; round <= P.pacedRounds; round++) {
    for (const s of systems) {
      const r = await measured(`paced (${scenario.id}) ${s.name} round ${round}`, () => runPaced(classes, s, rate));
      runs[s.name].push(r);
      log(`  ${s.name} round ${round}: achieved ${r.achievedRate} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, p99.9 ${r.p999} ms`
        + (r.dropped ? `, ${r.dropped} never sent (server too far behind)` : ''));
      if (r.errors || r.non2xx) problem(`paced (${scenario.id}) ${s.name}: ${r.errors} errors, ${r.non2xx} non-2xx`);
    }
  }
  const result = {};
  for (const s of systems) {
    const rs = runs[s.name];
    result[s.name] = {
      p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), p999: median(rs.map((r) => r.p999)),
      achieved: median(rs.map((r) => r.achievedRate)), late: rs.reduce((a, r) => a + r.lateSends, 0),
      dropped: rs.reduce((a, r) => a + (r.dropped ?? 0), 0),
      requests: rs.reduce((a, r) => a + r.requests, 0),
    };
  }
  return { rate, result };
}

// ---------------------------------------------------------------- cold start

async function coldStart(t, loader) {
  log(`cold start: ${P.coldWarm} warm-up + ${P.coldN} never-seen scripts of ~12 KB per system, interleaved`);
  const res = { tenantd: { upload: [], first: [], total: [], warm: [] }, workerd: { first: [], warm: [] }, bytes: [] };
  const one = async (name, record) => {
    const code = coldScript(name);
    const expected = `cold ${name}`;
    // tenantd: upload through the API, then the first request through the dispatcher.
    const up = await timed(() => t.putWorker('ns', name, 'main.js', { 'main.js': code }));
    const first = await timed(() => request(t.port, { host: `${name}.bench.test` }));
    const warm = await timed(() => request(t.port, { host: `${name}.bench.test` }));
    for (const [what, x] of [['first', first], ['warm', warm]]) {
      if (x.r.status !== 200 || x.r.text !== expected) problem(`cold start tenantd ${name} ${what}: HTTP ${x.r.status} ${x.r.text.slice(0, 120)}`);
    }
    // workerd: the code travels with the first request to the loader, which starts the worker.
    const wfirst = await timed(() => request(loader.port, { method: 'POST', path: `/${name}`, body: code, headers: { 'content-type': 'application/javascript' } }));
    const wwarm = await timed(() => request(loader.port, { path: `/${name}` }));
    for (const [what, x] of [['first', wfirst], ['warm', wwarm]]) {
      if (x.r.status !== 200 || x.r.text !== expected) problem(`cold start workerd ${name} ${what}: HTTP ${x.r.status} ${x.r.text.slice(0, 120)}`);
    }
    if (record) {
      res.tenantd.upload.push(up.ms);
      res.tenantd.first.push(first.ms);
      res.tenantd.total.push(up.ms + first.ms);
      res.tenantd.warm.push(warm.ms);
      res.workerd.first.push(wfirst.ms);
      res.workerd.warm.push(wwarm.ms);
      res.bytes.push(Buffer.byteLength(code));
    }
  };
  for (let i = 0; i < P.coldWarm; i++) await one(`coldwarm-${i}`, false);
  for (let i = 0; i < P.coldN; i++) await one(`cold-${i}`, true);
  log(`  tenantd first request p50 ${pct(res.tenantd.first, 0.5).toFixed(2)} ms, upload+first p50 ${pct(res.tenantd.total, 0.5).toFixed(2)} ms;`
    + ` workerd loader first request p50 ${pct(res.workerd.first, 0.5).toFixed(2)} ms`);
  return res;
}

// ---------------------------------------------------------------- density

async function touchAll(port, names, hostFor, pathFor, expectHits, counts) {
  await pool(names, P.densityConcurrency, async (name) => {
    let r;
    try {
      r = await request(port, { host: hostFor(name), path: pathFor(name) });
    } catch (e) {
      counts.errors++;
      if (counts.errors <= 3) log(`  density ${counts.system} ${name}: ${e.message}`);
      return;
    }
    counts.requests++;
    if (r.status !== 200 || !r.text.startsWith(`${name} `)) {
      counts.errors++;
      if (counts.errors <= 3) log(`  density ${counts.system} ${name}: HTTP ${r.status} ${r.text.slice(0, 120)}`);
    } else if (expectHits !== null && r.text !== `${name} ${expectHits}`) {
      counts.reloaded++;
    }
  });
}

function memAvailableKb() {
  return Number(/MemAvailable:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? Infinity);
}

function mapCount(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').length - 1;
  } catch {
    return NaN;
  }
}

const maxMapCount = () => Number(fs.readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim());

// The last line of a server log that explains a crash (V8's fatal error, the JVM's).
function crashReason(proc) {
  const text = fs.existsSync(proc.logFile) ? fs.readFileSync(proc.logFile, 'utf8') : '';
  const hit = text.split('\n').filter((l) => /fatal|out of memory|OutOfMemory|SIGSEGV|Check failed|abort/i.test(l));
  const how = proc.signalCode ? `signal ${proc.signalCode}` : `exit code ${proc.exitCode}`;
  return `${how}${hit.length ? `; its log says "${hit.slice(-2).map((l) => l.replace(/^#\s*/, '').trim()).join(' / ')}"` : ''}`;
}

// tenantd must serve every worker; for workerd (the reference) a limit hit after the
// first reading is a note about workerd, and only a failure before it fails the run.
async function densityRun(system, proc, port, hostFor, pathFor, reference = false, prepare = null, liveCap = Infinity) {
  const pid = proc.pid;
  proc.expectExit = reference; // its crash is reported below, as a note when it is a limit
  const [n1, n2] = P.densityN;
  const names = Array.from({ length: n2 }, (_, i) => `d-${i}`);
  const counts = { system, requests: 0, errors: 0, reloaded: 0 };
  // Never let the run push the machine into the OOM killer: stop when less than
  // this much memory is left, and report it.
  const totalKb = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))[1]);
  const reserveKb = Math.max(2 * 1024 * 1024, totalKb * 0.1);
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const up = { ms: 0, errors: 0 };
  let touchMs = 0;
  let touched = 0;
  let stoppedEarly = null;
  // In chunks of 100: upload them (tenantd), then touch each once.
  const serveUpTo = async (n) => {
    while (touched < n && !stoppedEarly) {
      const avail = memAvailableKb();
      if (avail < reserveKb) {
        stoppedEarly = `stopped at ${fmt(touched)} workers: only ${fmt(avail / 1024)} MB of the machine's memory left (server RSS ${fmt(rssKb(pid) / 1024)} MB)`;
        break;
      }
      const end = Math.min(n, touched + 100);
      const chunk = names.slice(touched, end);
      if (prepare) {
        const t = await timed(() => prepare(chunk, alive));
        up.ms += t.ms;
        up.errors += t.r;
      }
      const before = { ...counts };
      if (alive()) {
        const t = await timed(() => touchAll(port, chunk, hostFor, pathFor, 1, counts));
        touchMs += t.ms;
      }
      if (!alive() || (counts.errors - before.errors === chunk.length && chunk.length > 10)) {
        await sleep(500);
        stoppedEarly = alive()
          ? `stopped at ${fmt(touched)} workers: every request of the last batch failed`
          : `the ${system} process died after ${fmt(touched)} to ${fmt(end)} workers — ${crashReason(proc)}`;
        break;
      }
      touched = end;
    }
  };
  const reading = () => ({ rss: rssKb(pid), maps: mapCount(pid), touched });
  await sleep(P.settleMs);
  const r0 = reading();
  await serveUpTo(n1);
  await sleep(P.settleMs / 2);
  const r1 = alive() ? reading() : null;
  await serveUpTo(n2);
  await sleep(P.settleMs / 2);
  const r2 = alive() ? reading() : null;
  // Touch a spread sample again: a live isolate kept its module state and answers "<id> 2".
  const last = r2 ?? r1;
  let sample = [];
  const retouch = { system, requests: 0, errors: 0, reloaded: 0 };
  if (alive() && last) {
    // Only the most recently touched workers can still be live under an LRU cap.
    const liveFrom = Math.max(0, last.touched - Math.min(last.touched, liveCap));
    const step = Math.max(1, Math.floor((last.touched - liveFrom) / P.retouch));
    sample = names.slice(liveFrom, last.touched).filter((_, i) => i % step === 0).slice(0, P.retouch);
    await touchAll(port, sample, hostFor, pathFor, 2, retouch);
    counts.errors += retouch.errors;
  }
  // Per live worker: with an LRU cap, the isolates alive are the last `liveCap` touched.
  const live = (r) => Math.min(r.touched, liveCap);
  const per = (r) => (r && r.touched > 0 ? (r.rss - r0.rss) / live(r) : NaN);
  const mapsPer = (r) => (r && r.touched > 0 ? (r.maps - r0.maps) / live(r) : NaN);
  const r = {
    system, reached: touched, n1: r1?.touched ?? NaN, n2: last?.touched ?? 0, before: r0.rss, after1: r1?.rss ?? NaN, after2: last?.rss ?? NaN,
    stoppedEarly, perIsolate1: per(r1), perIsolate2: per(last), mapsPerWorker: mapsPer(last), maps: last?.maps ?? NaN,
    touchRate: touched / (touchMs / 1000), errors: counts.errors + up.errors, requests: counts.requests + retouch.requests,
    sample: sample.length, stillLive: sample.length - retouch.reloaded - retouch.errors,
    uploadRate: prepare ? touched / (up.ms / 1000) : NaN, uploadErrors: up.errors,
  };
  log(`  ${system}: RSS ${r0.rss} -> ${r1?.rss ?? '(gone)'} -> ${r2?.rss ?? '(gone)'} kB; ${r.perIsolate1.toFixed(0)} / ${r.perIsolate2.toFixed(0)} kB per worker;`
    + ` ${r.mapsPerWorker.toFixed(1)} maps per worker; ${fmt(r.touchRate)} first touches/s;`
    + (prepare ? ` ${fmt(r.uploadRate)} uploads/s (${up.errors} failed);` : '')
    + ` ${r.errors} errors; ${r.stillLive}/${r.sample} still live`);
  const report = reference && r1 ? note : problem;
  if (stoppedEarly) report(`density ${system}: ${stoppedEarly}`);
  if (r.errors) report(`density ${system}: ${r.errors} failed ${prepare ? 'uploads and requests' : 'requests'} of ${r.requests}${stoppedEarly ? ' (from the stop on)' : ''}`);
  return r;
}

function failedDensity(system, reason) {
  return {
    system, reached: 0, n1: NaN, n2: 0, before: NaN, after1: NaN, after2: NaN, stoppedEarly: reason, perIsolate1: NaN,
    perIsolate2: NaN, mapsPerWorker: NaN, maps: NaN, touchRate: NaN, errors: NaN, requests: 0, sample: 0, stillLive: 0,
    uploadRate: NaN,
  };
}

async function density() {
  const [n1, n2] = P.densityN;
  log(`density: ${n1} then ${n2} distinct user workers`);
  let tenantd;
  // tenantd runs with its default LRU cap of live isolates: past it, the least recently used is
  // evicted. The dispatch worker is one of the 2,000, so 1,999 user workers stay live.
  const liveCap = P.densityN[1] > 2000 ? 2000 - 1 : Infinity;
  const t = new Tenantd('tenantd-density', `# bench: the default LRU cap of live isolates\n[limits]\nlive-isolates = 2000\n`);
  try {
    await t.start();
    await setUpTenantd(t);
    for (let i = 0; i < 20; i++) await request(t.port, { host: 'nobody.bench.test' }); // warm the dispatcher (404s)
    // The baseline is read before any user worker is uploaded: whatever an upload
    // keeps (an isolate, cached code) counts towards the worker's memory.
    let failed = 0;
    const upload = async (chunk, alive) => {
      let errors = 0;
      await pool(chunk, P.uploadConcurrency, async (name) => {
        if (!alive()) {
          errors++;
          return;
        }
        try {
          await t.putWorker('ns', name, 'main.js', { 'main.js': densityScript(name) });
        } catch (e) {
          errors++;
          if (++failed <= 3) log(`  density upload ${name}: ${e.message}`);
        }
      });
      return errors;
    };
    tenantd = await densityRun('tenantd', t.proc, t.port, (n) => `${n}.bench.test`, () => '/', false, upload, liveCap);
    if (env('BENCH_DENSITY_HOLD', '')) { log(`holding tenantd-density (pid ${t.pid}) for ${env('BENCH_DENSITY_HOLD')} s`); await sleep(Number(env('BENCH_DENSITY_HOLD')) * 1000); }
  } catch (e) {
    problem(`density tenantd: ${e.message}`);
    tenantd = failedDensity('tenantd', e.message);
  } finally {
    await t.stop();
  }

  let workerd;
  let w;
  try {
    w = await startWorkerd('workerd-density', 'loader.capnp', true);
    for (let i = 0; i < 10; i++) await request(w.port, { path: `/warm-${i}` }); // the loader front and its first workers
    workerd = await densityRun('workerd', w.proc, w.port, (n) => `${n}.bench.test`, (n) => `/${n}`, true);
  } catch (e) {
    problem(`density workerd: ${e.message}`);
    workerd = failedDensity('workerd', e.message);
  } finally {
    if (w) await stopProcess(w.proc);
  }
  return { tenantd, workerd };
}

// ---------------------------------------------------------------- JMH

function jmh() {
  if (!JMH_CP) {
    problem('JMH skipped: bench/jmh was not built (see run.sh output)');
    return null;
  }
  log(`JMH: ${P.jmh.length ? P.jmh.join(' ') : 'annotation defaults (1 fork, 3 x 2 s warm-up, 5 x 2 s measured)'}`);
  const out = path.join(RUN_DIR, 'jmh.json');
  try {
    execFileSync(JAVA, ['--enable-native-access=ALL-UNNAMED', '-cp', JMH_CP, 'org.openjdk.jmh.Main', 'BoundaryBench',
      ...P.jmh, '-rf', 'json', '-rff', out], { cwd: RUN_DIR, stdio: ['ignore', fs.openSync(path.join(RUN_DIR, 'jmh.log'), 'a'), fs.openSync(path.join(RUN_DIR, 'jmh.log'), 'a')] });
  } catch (e) {
    problem(`JMH failed (${e.signal ? `signal ${e.signal}` : `exit ${e.status}`}${fs.readdirSync(RUN_DIR).some((f) => f.startsWith('hs_err')) ? ', the JVM crashed: see hs_err_pid*.log' : ''}); see ${path.join(RUN_DIR, 'jmh.log')}`);
    return null;
  }
  const rows = JSON.parse(fs.readFileSync(out, 'utf8')).map((b) => ({
    name: b.benchmark.replace(/^.*\./, ''), score: Number(b.primaryMetric.score), error: Number(b.primaryMetric.scoreError),
    unit: b.primaryMetric.scoreUnit,
  }));
  const order = ['roundTrip', 'requestIn', 'responseOut', 'jsonEcho', 'dispatchHop', 'coldLoad'];
  rows.sort((a, b) => (order.indexOf(a.name) + 1 || 99) - (order.indexOf(b.name) + 1 || 99));
  for (const r of rows) log(`  ${r.name}: ${r.score.toFixed(2)} ${r.unit}`);
  return rows;
}

// ---------------------------------------------------------------- report

const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? 'n/a' : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ratio = (a, b) => (a > 0 && b > 0 ? (a / b).toFixed(2) + '×' : 'n/a');

function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const mem = /MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1];
  const tryRun = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  };
  const props = tryRun(JAVA, ['-XshowSettings:properties', '-version']);
  const jre = /java\.runtime\.version = (.*)/.exec(props)?.[1] ?? '?';
  const jvendor = /java\.vendor = (.*)/.exec(props)?.[1] ?? '';
  const jar = path.join(TENANTD, 'tenantd-server.jar');
  return {
    nproc: os.cpus().length, cpu, memGb: mem ? (Number(mem) / 1024 / 1024).toFixed(1) : '?',
    kernel: os.release(), os: /PRETTY_NAME="(.*)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '',
    workerd: tryRun(WORKERD, ['--version']),
    wrk: tryRun('dpkg-query', ['-W', '-f=${Version}', 'wrk']) || 'unknown',
    java: `${jvendor} ${jre}`.trim(), node: process.version,
    tenantdJar: fs.existsSync(jar) ? new Date(fs.statSync(jar).mtime).toISOString().replace(/\.\d+Z$/, 'Z') : '?',
    damon: damon(),
  };
}

// The kernel's data access monitor, when one of its monitors runs: how often it samples and
// what its schemes do (read from sysfs; empty when DAMON is off or absent).
function damon() {
  const root = '/sys/kernel/mm/damon/admin/kdamonds';
  const read = (f) => { try { return fs.readFileSync(f, 'utf8').trim(); } catch { return ''; } };
  let names;
  try { names = fs.readdirSync(root).filter((n) => /^\d+$/.test(n)); } catch { return ''; }
  const running = [];
  for (const k of names) {
    if (read(path.join(root, k, 'state')) !== 'on') continue;
    const ctx = path.join(root, k, 'contexts', '0');
    const sampleUs = Number(read(path.join(ctx, 'monitoring_attrs', 'intervals', 'sample_us')));
    let actions = [];
    try {
      actions = fs.readdirSync(path.join(ctx, 'schemes')).filter((n) => /^\d+$/.test(n))
        .map((n) => read(path.join(ctx, 'schemes', n, 'action'))).filter(Boolean);
    } catch { /* no schemes */ }
    running.push(`kdamond ${k}: ${read(path.join(ctx, 'operations')) || '?'} monitoring`
      + (sampleUs > 0 ? `, a sample every ${sampleUs / 1000} ms` : '') + (actions.length ? `, schemes: ${actions.join(', ')}` : ''));
  }
  return running.join('; ');
}

function report(m, tp, pc, cold, dens, jmhRows, seconds) {
  const L = [];
  const skipped = (what) => {
    L.push(SECTIONS.has(what) ? 'Did not complete (see Problems).' : `Skipped (${what} is not in BENCH_SECTIONS).`);
    L.push('');
  };
  const date = new Date().toISOString().slice(0, 10);
  L.push(`# tenantd vs workerd: ${QUICK ? 'quick smoke run' : 'benchmark'} of ${date}`);
  L.push('');
  L.push(`Produced by \`bash bench/run.sh${QUICK ? ' --quick' : ''}\` in ${Math.round(seconds)} s.`
    + ' Every ratio compares two numbers measured in this same run.');
  if (QUICK) L.push('**Quick mode**: tiny durations and sample sizes, to prove the suite still works; do not quote these numbers.');
  L.push('');
  L.push('## Machine and versions');
  L.push('');
  L.push(`- ${m.nproc} cores (\`nproc\`), ${m.cpu}, ${m.memGb} GB RAM; ${m.os}, Linux ${m.kernel}.`);
  L.push(`- **Client and servers share the same ${m.nproc} cores**: wrk (or the paced generator) runs on the`
    + ' machine it measures and nothing is pinned, so every number includes the load generator\'s CPU use.');
  L.push(`- Other processes: the measurement they disturbed most lost ${(noise.worst * 100).toFixed(0)}% of the machine's CPU to them`
    + `${noise.worstWhat ? ` (${noise.worstWhat})` : ''}; ${noise.repeated} measurement(s) were repeated because of them and the run waited`
    + ` ${noise.waitedS} s for quiet${QUICK ? ' (quick mode neither waits nor repeats)' : ''}.`);
  if (m.damon) {
    L.push(`- **The kernel's DAMON is on** (${m.damon}). Its thread, \`kdamond\`, samples which pages of the machine's`
      + ' memory were used and acts on cold ones. On the 2-core reference VM (a sample every 500 ms) it took 10-20 ms of a'
      + ' core at each sample, and the requests of any server in flight then, the raw Vert.x one too, waited 10-40 ms:'
      + ' it shows in the paced p99 and p99.9 rows, hardly in throughput.');
  }
  L.push(`- tenantd 0.1.0-SNAPSHOT (jar built ${m.tenantdJar}) on ${m.java}, JVM options \`${tenantdJvmOptions().join(' ')}\` (as \`./tenantd serve\` runs it), defaults otherwise (1 JS thread per core).`);
  L.push(`- ${m.workerd} (npm \`workerd@1.20260426.1\`, the one wrangler 4.86.0 uses); Vert.x ceiling: the Vert.x jars tenantd ships.`);
  L.push(`- wrk ${m.wrk} (Debian); Node ${m.node} drives the run (uploads, cold-start and density requests).`);
  L.push('');
  L.push('## Method');
  L.push('');
  L.push(`- Throughput: \`wrk -t${P.threads} -c${P.connections} -d${P.duration}s --latency\`, keep-alive HTTP/1.1 on 127.0.0.1.`
    + ` Every system gets ${P.warmup > 0 ? `one ${P.warmup} s warm-up run (discarded)` : 'no warm-up run'}, then ${P.rounds} round(s) of A B (C) alternation; tables show medians.`
    + ' wrk\'s p50/p99 are closed-loop latencies at full load. (a) and (c) reach tenantd plain workers by host'
    + ' (`hello.localhost`, `json.localhost`); (b) goes through the dispatch worker to the namespace script `hello`.'
    + ' workerd runs each configuration of `bench/workerd/` in its own process; (b) there is a service binding.');
  L.push(`- p99 at half load: Debian's wrk has no \`-R\` (and wrk2 is not packaged), so \`bench/tools/PacedLoad.java\` offers a constant rate:`
    + ` ${P.connections} connections share one fixed schedule at half of tenantd's median peak for that scenario, and latency counts from`
    + ' when a request was due, not when it was sent, so a stall is charged to every request queued behind it (the wrk2 rule).'
    + ` Both systems get the same rate; ${P.pacedWarmup} s warm-up + ${P.pacedDuration} s measured, ${P.pacedRounds} round(s) A B, medians.`);
  if (cold) {
    L.push(`- Cold start: ${P.coldN} distinct never-seen ES-module workers of ~${fmt(median(cold.bytes) / 1024, 1)} KB (after ${P.coldWarm} discarded warm-ups),`
      + ' one at a time, tenantd and workerd interleaved per script. tenantd: `PUT` through the API (the upload is validated in an isolate and stored), then the first'
      + ' request through the dispatch worker (a new isolate). workerd: one request to a front worker whose `workerLoader` binding'
      + ' (`env.LOADER.get(id, () => ({ compatibilityDate, mainModule, modules }))`, `--experimental`) starts the worker from code carried in that request.'
      + ' Latencies are measured by the client (Node http, keep-alive).');
  }
  L.push(`- Density: ${fmt(P.densityN[1])} distinct tiny workers. tenantd runs with its default LRU cap, written out (\`[limits] live-isolates = 2000\`): past 2,000 live isolates, one of them the dispatch worker's, the least recently used is evicted. VmRSS of the server process is read`
    + ` before the first user worker is uploaded, after ${fmt(P.densityN[0])} and after ${fmt(P.densityN[1])} workers were uploaded (${P.uploadConcurrency} in parallel) and touched once`
    + ` (tenantd through the dispatcher, workerd through the loader front, which gets the code from the request path; ${P.densityConcurrency} requests in flight),`
    + ` in chunks of 100. Per worker = (after − before) / N, so whatever an upload leaves behind counts too. Then ${P.retouch} workers`
    + ' spread over the range are touched again: each counts its hits in module state, so "still live" shows whether its isolate survived.');
  L.push('- JMH: `bench/jmh`, the runtime API alone (no HTTP, no platform), one invocation at a time, an engine with 1 JS thread,'
    + ` on the measured build's tenantd-runtime; ${QUICK ? 'quick mode: in-process, 1 × 0.5 s warm-up, 1 × 0.5 s measured' : '1 fork, 3 × 2 s warm-up, 5 × 2 s measured'}.`);
  L.push('');

  L.push('## 1. Throughput (wrk, medians)');
  L.push('');
  if (tp) {
    const { a, b, c } = tp;
    L.push('| scenario | tenantd req/s | workerd req/s | tenantd / workerd | tenantd p50 / p99 ms | workerd p50 / p99 ms |');
    L.push('|---|---:|---:|---:|---:|---:|');
    const row = (label, r) => L.push(`| ${label} | ${fmt(r.tenantd.rps)} | ${fmt(r.workerd.rps)} | ${ratio(r.tenantd.rps, r.workerd.rps)} | `
      + `${fmt(r.tenantd.p50, 2)} / ${fmt(r.tenantd.p99, 2)} | ${fmt(r.workerd.p50, 2)} / ${fmt(r.workerd.p99, 2)} |`);
    row('(a) hello world, plain worker', a);
    row('(b) dispatcher → user worker', b);
    row('(c) 1 KB JSON parse/change/return', c);
    L.push(`| (a) ceiling: raw Vert.x hello world | ${fmt(a.vertx.rps)} | | tenantd ${ratio(a.tenantd.rps, a.vertx.rps)}, workerd ${ratio(a.workerd.rps, a.vertx.rps)} of it | ${fmt(a.vertx.p50, 2)} / ${fmt(a.vertx.p99, 2)} | |`);
    L.push('');
    L.push(`The dispatch hop: (b) serves ${ratio(b.tenantd.rps, a.tenantd.rps)} of (a)'s rate on tenantd, ${ratio(b.workerd.rps, a.workerd.rps)} on workerd.`);
    L.push('');
    L.push('All rounds, req/s: ' + Object.entries(tp).map(([id, r]) => `(${id}) ` + Object.entries(r).map(([s, x]) => `${s} ${x.all.join(', ')}`).join('; ')).join(' · ') + '.');
    L.push('');
    L.push('### p99 latency at half of tenantd\'s peak (paced, open loop)');
    L.push('');
    if (pc && Object.keys(pc).length) {
      L.push('| scenario | rate req/s | tenantd p50 / p99 / p99.9 ms | workerd p50 / p99 / p99.9 ms | p99 tenantd / workerd | floor: raw Vert.x p50 / p99 / p99.9 ms |');
      L.push('|---|---:|---:|---:|---:|---:|');
      const ms3 = (x) => (x ? `${fmt(x.p50, 2)} / ${fmt(x.p99, 2)} / ${fmt(x.p999, 2)}` : '');
      for (const [id, r] of Object.entries(pc)) {
        const t = r.result.tenantd, w = r.result.workerd;
        L.push(`| (${id}) | ${fmt(r.rate)} | ${ms3(t)} | ${ms3(w)} | ${ratio(t.p99, w.p99)} | ${ms3(r.result.vertx)} |`);
      }
      L.push('');
      L.push('The floor is the same paced load against the raw Vert.x hello world server of section 1: a server that'
        + ' does almost nothing per request, so its p99 is what the machine, the generator and the JVM leave of the budget.'
        + (m.damon ? ` This machine runs the kernel's DAMON (${m.damon}); see "Machine and versions".` : ''));
      L.push('');
      L.push('Achieved (answers to requests due in the window, over the time taken to answer them): '
        + Object.entries(pc).map(([id, r]) => `(${id}) ` + Object.entries(r.result).map(([s, x]) => `${s === 'vertx' ? 'raw Vert.x' : s} ${fmt(x.achieved)} req/s`
        + (x.dropped ? ` (${fmt(x.dropped)} requests never sent: more than 5 s behind)` : '')).join(', ')).join('; ') + '.');
      L.push('');
    } else skipped('paced');
  } else skipped('throughput');

  L.push('## 2. Cold start (ms, lower is better)');
  L.push('');
  if (cold) {
    const T = cold.tenantd, W = cold.workerd;
    const q = (xs, p) => fmt(pct(xs, p), 2);
    L.push('| metric | tenantd p50 | tenantd p99 | workerd p50 | workerd p99 | tenantd / workerd (p50) |');
    L.push('|---|---:|---:|---:|---:|---:|');
    L.push(`| first request of a never-seen worker (tenantd: uploaded before; workerd: loader, code in the request) | ${q(T.first, 0.5)} | ${q(T.first, 0.99)} | ${q(W.first, 0.5)} | ${q(W.first, 0.99)} | ${ratio(pct(T.first, 0.5), pct(W.first, 0.5))} |`);
    L.push(`| upload to first served (tenantd: PUT + first request; workerd: the same single loader request) | ${q(T.total, 0.5)} | ${q(T.total, 0.99)} | ${q(W.first, 0.5)} | ${q(W.first, 0.99)} | ${ratio(pct(T.total, 0.5), pct(W.first, 0.5))} |`);
    L.push(`| tenantd upload alone (PUT) | ${q(T.upload, 0.5)} | ${q(T.upload, 0.99)} | – | – | – |`);
    L.push(`| second request, warm (reference) | ${q(T.warm, 0.5)} | ${q(T.warm, 0.99)} | ${q(W.warm, 0.5)} | ${q(W.warm, 0.99)} | ${ratio(pct(T.warm, 0.5), pct(W.warm, 0.5))} |`);
    L.push('');
  } else skipped('cold');

  L.push('## 3. Density (RSS per live worker)');
  L.push('');
  if (dens) {
    const dt = dens.tenantd, dw = dens.workerd;
    L.push('| metric | tenantd | workerd | tenantd / workerd |');
    L.push('|---|---:|---:|---:|');
    L.push(`| VmRSS before (MB) | ${fmt(dt.before / 1024, 1)} | ${fmt(dw.before / 1024, 1)} | ${ratio(dt.before, dw.before)} |`);
    L.push(`| KB per live worker after ${fmt(P.densityN[0])} | ${fmt(dt.perIsolate1)} | ${fmt(dw.perIsolate1)} | ${ratio(dt.perIsolate1, dw.perIsolate1)} |`);
    L.push(`| workers served (goal ${fmt(P.densityN[1])}) | ${fmt(dt.reached)} | ${fmt(dw.reached)} | – |`);
    L.push(`| KB per live worker at the last reading (workers touched then; tenantd keeps 2,000 isolates live: the dispatch worker's and the 1,999 most recently used) | ${fmt(dt.perIsolate2)} (${fmt(dt.n2)}) | ${fmt(dw.perIsolate2)} (${fmt(dw.n2)}) | ${ratio(dt.perIsolate2, dw.perIsolate2)} |`);
    L.push(`| VmRSS at the last reading (MB) | ${fmt(dt.after2 / 1024, 1)} | ${fmt(dw.after2 / 1024, 1)} | ${ratio(dt.after2, dw.after2)} |`);
    L.push(`| memory mappings per worker (limit: vm.max_map_count = ${fmt(maxMapCount())} per process) | ${fmt(dt.mapsPerWorker, 1)} | ${fmt(dw.mapsPerWorker, 1)} | ${ratio(dt.mapsPerWorker, dw.mapsPerWorker)} |`);
    L.push(`| first touches per second | ${fmt(dt.touchRate)} | ${fmt(dw.touchRate)} | ${ratio(dt.touchRate, dw.touchRate)} |`);
    L.push(`| still live when touched again (sample) | ${dt.stillLive} / ${dt.sample} | ${dw.stillLive} / ${dw.sample} | – |`);
    L.push(`| failed uploads + requests | ${fmt(dt.errors)} of ${fmt(dt.requests + dt.reached)} | ${fmt(dw.errors)} of ${fmt(dw.requests)} | – |`);
    L.push('');
    if (env('BENCH_MAP_NOTE', '')) L.push(`Note: ${env('BENCH_MAP_NOTE')}, because V8 maps about a dozen memory regions per isolate (row above); at the default 65,530 both servers abort near 5,000-6,000 live isolates.`);
    L.push(`tenantd took the uploads at ${fmt(dt.uploadRate)} scripts/s (${P.uploadConcurrency} in parallel); first touches per second count touching time only.`);
    for (const d of [dt, dw]) if (d.stoppedEarly) L.push(`**${d.system} did not reach ${fmt(P.densityN[1])} workers**: ${d.stoppedEarly}.`);
    L.push('');
  } else skipped('density');

  L.push('## 4. JMH: the JS/Java boundary (µs per operation, lower is better)');
  L.push('');
  if (jmhRows) {
    const base = jmhRows.find((r) => r.name === 'roundTrip');
    L.push('| benchmark | µs/op | ± (99.9%) | × roundTrip |');
    L.push('|---|---:|---:|---:|');
    for (const r of jmhRows) L.push(`| ${r.name} | ${fmt(r.score, 2)} | ${Number.isNaN(r.error) ? 'n/a' : fmt(r.error, 2)} | ${ratio(r.score, base?.score)} |`);
    L.push('');
    L.push('roundTrip (the reference): smallest request in, "Hello World" out. requestIn: 16 headers + 1 KB body in, read by the worker.'
      + ' responseOut: 1 KB body + 8 headers out. jsonEcho: worker (c). dispatchHop: dispatcher isolate → WorkerHost.dispatch → user isolate → back.'
      + ' coldLoad: a new isolate for a distinct ~12 KB module (the cold-start script), its first request, and its close.'
      + ' workerd has no counterpart here.');
  } else skipped('jmh');
  L.push('');
  if (notes.length) {
    L.push('## Notes on the reference');
    L.push('');
    for (const n of notes) L.push(`- ${n}`);
    L.push('');
  }
  L.push('## Problems');
  L.push('');
  if (problems.length === 0) L.push('None: every request was answered 2xx with the expected body and every upload succeeded.');
  for (const p of problems) L.push(`- ${p}`);
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------- main

// Section 1: throughput of (a), (b), (c), then p99 at half of tenantd's peak.
async function httpSections(t, classes) {
  const [wHello, wDispatch, wJson, vertx] = await Promise.all([
    startWorkerd('workerd-hello', 'hello.capnp'),
    startWorkerd('workerd-dispatch', 'dispatch.capnp'),
    startWorkerd('workerd-json', 'json.capnp'),
    startVertx(classes),
  ]);
  await t.putWorker(null, 'hello', 'hello.js', { 'hello.js': readWorker('hello.js') });
  await t.putWorker('ns', 'hello', 'hello.js', { 'hello.js': readWorker('hello.js') });
  await t.putWorker(null, 'json', 'json.js', { 'json.js': readWorker('json.js') });

  const lua = path.join(BENCH, 'wrk', 'post-json.lua');
  const order = fs.readFileSync(ORDER_JSON, 'utf8');
  const sc = {
    a: { id: 'a', title: 'hello world straight to a plain worker', systems: [
      { name: 'tenantd', port: t.port, host: 'hello.localhost' },
      { name: 'workerd', port: wHello.port, host: 'hello.bench.test' },
      { name: 'vertx', port: vertx.port, host: 'hello.bench.test' }] },
    b: { id: 'b', title: 'dispatcher -> user worker', systems: [
      { name: 'tenantd', port: t.port, host: 'hello.bench.test' },
      { name: 'workerd', port: wDispatch.port, host: 'hello.bench.test' }] },
    c: { id: 'c', title: '1 KB JSON parse/change/return', systems: [
      { name: 'tenantd', port: t.port, host: 'json.localhost', lua },
      { name: 'workerd', port: wJson.port, host: 'json.bench.test', lua }] },
  };
  // Every target must answer correctly before it is measured.
  for (const s of Object.values(sc)) {
    for (const target of s.systems) {
      const r = target.lua
        ? await request(target.port, { method: 'POST', host: target.host, body: order, headers: { 'content-type': 'application/json' } })
        : await request(target.port, { host: target.host });
      let ok = r.status === 200 && (target.lua ? false : r.text === 'Hello World');
      if (target.lua && r.status === 200) {
        try {
          const doc = JSON.parse(r.text);
          ok = doc.user?.name === 'ADA LOVELACE' && doc.visits === 42 && doc.items?.[1]?.total === 9;
        } catch { ok = false; }
      }
      if (!ok) throw new Error(`(${s.id}) ${target.name} answered HTTP ${r.status}: ${r.text.slice(0, 200)}`);
    }
  }

  const tp = {};
  for (const id of ['a', 'b', 'c']) tp[id] = await throughput(sc[id]);
  const pc = {};
  if (SECTIONS.has('paced')) {
    const floor = sc.a.systems.find((s) => s.name === 'vertx');
    for (const id of P.pacedScenarios) pc[id] = await paced(classes, sc[id], tp[id].tenantd.rps / 2, floor);
  }
  await Promise.all([wHello, wDispatch, wJson, vertx].map((x) => stopProcess(x.proc)));
  return { tp, pc };
}

async function main() {
  for (const [k, v] of Object.entries({ BENCH_WORKERD: WORKERD, BENCH_TENANTD: TENANTD, BENCH_RUN_DIR: RUN_DIR, BENCH_OUT: OUT })) {
    if (!v) throw new Error(`${k} is not set: start the suite with bench/run.sh`);
  }
  const classes = path.join(RUN_DIR, 'classes');
  fs.mkdirSync(classes, { recursive: true });
  const javac = path.join(path.dirname(JAVA), 'javac');
  execFileSync(javac, ['-d', classes, '-cp', `${path.join(TENANTD, 'lib')}/*`,
    path.join(BENCH, 'tools', 'PacedLoad.java'), path.join(BENCH, 'tools', 'VertxHello.java')], { stdio: 'inherit' });
  const m = machine();
  log(`machine: ${m.nproc} cores, ${m.cpu}, ${m.memGb} GB; workerd ${m.workerd}; ${m.java}`);

  let tp = null, pc = null, cold = null, dens = null, jmhRows = null;
  if (SECTIONS.has('throughput') || SECTIONS.has('cold')) {
    const t = new Tenantd('tenantd', null);
    const up = await section('tenantd start', async () => {
      await t.start();
      await setUpTenantd(t);
      return true;
    });
    if (up && SECTIONS.has('throughput')) {
      const hs = await section('throughput', () => httpSections(t, classes));
      if (hs) ({ tp, pc } = hs);
    }
    if (up && SECTIONS.has('cold')) {
      cold = await section('cold start', async () => {
        const loader = await startWorkerd('workerd-loader', 'loader.capnp', true);
        try {
          return await coldStart(t, loader);
        } finally {
          await stopProcess(loader.proc);
        }
      });
    }
    await t.stop();
  }
  if (SECTIONS.has('density')) dens = await section('density', density);
  if (SECTIONS.has('jmh')) jmhRows = await section('JMH', jmh);

  const seconds = (Date.now() - started) / 1000;
  const md = report(m, tp, pc, cold, dens, jmhRows, seconds);
  fs.writeFileSync(path.join(RUN_DIR, 'results.json'), JSON.stringify({ P, machine: m, tp, pc, cold, dens, jmhRows, noise, notes, problems, seconds }, null, 1));
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, md);
  console.log(md);
  log(`results written to ${path.relative(ROOT, OUT)} (${Math.round(seconds)} s)`);
  if (problems.length) {
    log(`${problems.length} problem(s); failing`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  log('FAILED:', e.stack || e.message);
  killAll();
  process.exit(1);
}).then(() => {
  killAll();
  agent.destroy();
  process.exit(process.exitCode ?? 0);
});
