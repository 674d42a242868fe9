// KV and D1 through the dispatcher, tenantd side by side with miniflare (what
// `wrangler dev` runs, with its local KV and D1), the same worker code on both:
//   (a) a user worker reading one hot KV key (workers/kv-get.js),
//   (b) a user worker selecting one D1 row by primary key (workers/d1-point.js),
// each reached through a dispatch worker and measured as requests per second with wrk.
//
//   node bench/storage.mjs [--quick] [--only=tenantd|--only=miniflare]
//
// Started by bench/run.sh, which passes BENCH_JAVA and BENCH_TENANTD (the build it
// measures; see lib/server.mjs), BENCH_MINIFLARE (a directory whose node_modules holds
// miniflare) and BENCH_RUN_DIR (logs and data). Prints a markdown section on stdout,
// progress on stderr; exits non-zero on any non-2xx answer or wrong body, and on tenantd's
// socket errors. miniflare's socket errors are reported as notes on the reference and do not
// fail the run: in 10 s rounds it closes some of wrk's connections under a request (6-32 read
// errors in a round where any came), which says something about miniflare, not about
// tenantd's figures; its rate counts what it answered.
// `--only` measures one side (for development; no ratio then).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTenantd } from './lib/server.mjs';
import { parseWrk } from './lib/wrk.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
if (only !== undefined && only !== 'tenantd' && only !== 'miniflare') {
  console.error(`storage.mjs: --only takes tenantd or miniflare, not '${only}'`);
  process.exit(2);
}
// The throughput step's wrk settings; quick mode keeps each side to a few seconds.
const P = quick ? { threads: 2, connections: 32, timeout: 10, warmup: 1, duration: 2, rounds: 1 }
  : { threads: 2, connections: 32, timeout: 10, warmup: 3, duration: 10, rounds: 3 };
const COMPAT_DATE = '2025-01-01';
const ROWS = 1000;
const HOT_VALUE = JSON.stringify({ plan: 'pro', features: ['kv', 'd1', 'dispatch'], quota: 125000, note: 'x'.repeat(64) });
const SCHEMA = 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)';
const SEED = `INSERT INTO items (id, name, price) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) `
  + "SELECT i, 'item-' || i, i * 0.25 FROM n";
const runDir = process.env.BENCH_RUN_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tenantd-storage-bench-'));
const readWorker = (f) => fs.readFileSync(path.join(BENCH, 'workers', f), 'utf8');
const started = Date.now();
const log = (...a) => console.error(`[storage ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

const SCENARIOS = [
  { id: 'a', title: 'KV get of a hot key', host: 'kv.bench.test', check: (body) => body === HOT_VALUE },
  { id: 'b', title: 'D1 point query (SELECT by primary key)', host: 'd1.bench.test',
    check: (body) => { const row = JSON.parse(body); return Number.isInteger(row.id) && row.name === `item-${row.id}`; } },
];

// ---------------------------------------------------------------- tenantd

async function startTenantdSide() {
  const account = 'bench';
  const token = 'storage-bench-token';
  const logFd = fs.openSync(path.join(runDir, 'storage-tenantd.log'), 'a');
  const t = startTenantd({ name: 'storage', account, token, route: '*.bench.test/*=front', stderr: logFd });
  const call = async (method, urlPath, body, contentType = 'application/json') => {
    const r = await t.request(t.apiPort, method, `/client/v4/accounts/${account}${urlPath}`,
      { authorization: `Bearer ${token}`, 'content-type': contentType }, body);
    let json = null;
    try { json = JSON.parse(r.body); } catch { /* reported below */ }
    if (r.status !== 200 || !json?.success) throw new Error(`tenantd ${method} ${urlPath}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
    return json.result;
  };
  try {
    await t.waitHealthy();
    await call('POST', '/workers/dispatch/namespaces', JSON.stringify({ name: 'tenants' }));
    await t.upload('/workers/scripts/front', { main_module: 'dispatcher.js', compatibility_date: COMPAT_DATE,
      bindings: [{ type: 'dispatch_namespace', name: 'dispatcher', namespace: 'tenants' }] },
    'dispatcher.js', readWorker('dispatcher-tenantd.js'));

    const kv = await call('POST', '/storage/kv/namespaces', JSON.stringify({ title: 'bench-kv' }));
    await call('PUT', `/storage/kv/namespaces/${kv.id}/values/hot`, HOT_VALUE, 'text/plain');
    await t.upload('/workers/dispatch/namespaces/tenants/scripts/kv', { main_module: 'kv-get.js',
      compatibility_date: COMPAT_DATE, bindings: [{ type: 'kv_namespace', name: 'KV', namespace_id: kv.id }] },
    'kv-get.js', readWorker('kv-get.js'));

    const db = await call('POST', '/d1/database', JSON.stringify({ name: 'bench-db' }));
    for (const sql of [SCHEMA, SEED]) await call('POST', `/d1/database/${db.uuid}/query`, JSON.stringify({ sql }));
    await t.upload('/workers/dispatch/namespaces/tenants/scripts/d1', { main_module: 'd1-point.js',
      compatibility_date: COMPAT_DATE, bindings: [{ type: 'd1', name: 'DB', id: db.uuid }] },
    'd1-point.js', readWorker('d1-point.js'));
  } catch (e) {
    await t.stop();
    throw e;
  }
  return { name: 'tenantd', port: t.workerPort, stop: () => t.stop() };
}

// ---------------------------------------------------------------- miniflare

async function startMiniflareSide() {
  const dir = process.env.BENCH_MINIFLARE;
  if (!dir) throw new Error('BENCH_MINIFLARE is not set (bench/run.sh installs miniflare and sets it)');
  const { Miniflare } = await import(pathToFileURL(path.join(dir, 'node_modules', 'miniflare', 'dist', 'src', 'index.js')).href);
  const port = await freePort();
  const data = fs.mkdtempSync(path.join(runDir, 'storage-miniflare-'));
  const worker = (name, file, extra) => ({
    name, modules: true, scriptPath: path.join(BENCH, 'workers', file), compatibilityDate: COMPAT_DATE, ...extra,
  });
  const mf = new Miniflare({
    host: '127.0.0.1',
    port,
    cf: false, // no request.cf lookup on the network
    // On disk, as `wrangler dev` keeps them (.wrangler/state), like tenantd's files.
    kvPersist: path.join(data, 'kv'),
    d1Persist: path.join(data, 'd1'),
    workers: [
      worker('front', 'dispatcher-miniflare.js', { serviceBindings: { KV_WORKER: 'kv', D1_WORKER: 'd1' } }),
      worker('kv', 'kv-get.js', { kvNamespaces: { KV: 'bench-kv' } }),
      worker('d1', 'd1-point.js', { d1Databases: { DB: 'bench-db' } }),
    ],
  });
  try {
    await mf.ready;
    await (await mf.getKVNamespace('KV', 'kv')).put('hot', HOT_VALUE);
    const db = await mf.getD1Database('DB', 'd1');
    for (const sql of [SCHEMA, SEED]) await db.prepare(sql).run();
  } catch (e) {
    await mf.dispose();
    throw e;
  }
  return { name: 'miniflare', port, stop: () => mf.dispose() };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// ---------------------------------------------------------------- measuring

// One GET with a Host header of our choosing (fetch() would send the URL's).
function get(side, host) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: side.port, path: '/', headers: { host } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${host} on ${side.name} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

// wrk runs as a child process while this process stays responsive (miniflare lives in it).
// miniflare's slowest answers under this load take a few seconds: with wrk's default
// timeout of 2 s they would count as socket errors, though they are only slow.
function wrk(side, host, seconds) {
  return new Promise((resolve, reject) => {
    const args = [`-t${P.threads}`, `-c${P.connections}`, `-d${seconds}s`, '--timeout', `${P.timeout}s`, '--latency',
      '-H', `Host: ${host}`,
      `http://127.0.0.1:${side.port}/`];
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk exited with ${code}: ${out}`))));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const problems = [];
const referenceNotes = [];
const sides = [];
const results = {}; // scenario id -> side name -> {rps, p99, all}
// A side that fails to start, or answers a scenario wrongly, is reported and left out;
// the other side is still measured.
const starters = { tenantd: startTenantdSide, miniflare: startMiniflareSide };
try {
  for (const [name, start] of Object.entries(starters)) {
    if (only !== undefined && only !== name) continue;
    log(`starting ${name}`);
    try {
      sides.push(await start());
    } catch (e) {
      problems.push(`${name} could not be set up: ${e.stack ?? e}`);
    }
  }

  for (const sc of SCENARIOS) {
    const ready = [];
    for (const side of sides) {
      try {
        const r = await get(side, sc.host);
        if (r.status === 200 && sc.check(r.body)) ready.push(side);
        else problems.push(`(${sc.id}) ${side.name} answered ${r.status} with the wrong body: ${r.body.slice(0, 300)}`);
      } catch (e) {
        problems.push(`(${sc.id}) ${side.name} did not answer: ${e.message}`);
      }
    }
    if (ready.length === 0) continue;
    log(`(${sc.id}) ${sc.title}`);
    for (const side of ready) await wrk(side, sc.host, P.warmup);
    const runs = Object.fromEntries(ready.map((s) => [s.name, []]));
    // Rounds alternate the sides, so that drift during the run falls on both alike.
    for (let round = 1; round <= P.rounds; round++) {
      for (const side of ready) {
        const r = await wrk(side, sc.host, P.duration);
        runs[side.name].push(r);
        log(`  ${side.name} round ${round}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms`);
        if (r.non2xx || r.socketErrors) {
          const kinds = Object.entries(r.socketErrorKinds).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
          const what = `(${sc.id}) ${side.name} round ${round}: ${r.non2xx} non-2xx responses, ${r.socketErrors} socket errors`
            + (kinds ? ` (${kinds})` : '');
          (side.name === 'miniflare' && r.non2xx === 0 && r.requests > 0 ? referenceNotes : problems).push(what);
        }
      }
    }
    results[sc.id] = Object.fromEntries(ready.map((s) => [s.name, {
      rps: median(runs[s.name].map((r) => r.rps)), p99: median(runs[s.name].map((r) => r.p99)),
      all: runs[s.name].map((r) => Math.round(r.rps)),
    }]));
  }
} catch (e) {
  problems.push(`did not complete: ${e.stack ?? e}`);
} finally {
  for (const side of sides) await side.stop().catch((e) => problems.push(`stopping ${side.name}: ${e.message}`));
}

// ---------------------------------------------------------------- report

const cell = (m) => (m ? `${Math.round(m.rps)} (${m.all.join(', ')})` : 'not measured');
const p99 = (m) => (m && !Number.isNaN(m.p99) ? m.p99.toFixed(2) : '–');
console.log(`Method: \`wrk -t${P.threads} -c${P.connections} -d${P.duration}s --timeout ${P.timeout}s\` through a dispatch worker, after a ${P.warmup} s warm-up per side; `
  + `${P.rounds} round(s) alternating tenantd and miniflare; medians (each round in brackets). tenantd: dispatcher → dispatch namespace → `
  + 'user worker; miniflare 4.20260426.0 (the local runtime of wrangler 4.86, KV and D1 persisted on disk as `wrangler dev` keeps them): '
  + `dispatcher → service binding → user worker, as miniflare has no local dispatch namespaces. The hot KV value is ${HOT_VALUE.length} bytes; `
  + `the D1 table has ${ROWS} rows and the key goes round them.\n`);
console.log('| scenario | tenantd req/s | miniflare req/s | tenantd / miniflare | tenantd p99 ms | miniflare p99 ms |');
console.log('|---|---|---|---|---|---|');
for (const sc of SCENARIOS) {
  const t = results[sc.id]?.tenantd;
  const m = results[sc.id]?.miniflare;
  const ratio = t && m ? `${(t.rps / m.rps).toFixed(2)}x` : '–';
  console.log(`| (${sc.id}) ${sc.title} | ${cell(t)} | ${cell(m)} | ${ratio} | ${p99(t)} | ${p99(m)} |`);
}
if (referenceNotes.length) {
  console.log('\nNotes on the reference (not failures):');
  for (const n of referenceNotes) console.log(`- ${n}`);
}
if (problems.length) {
  console.log('\nProblems:');
  for (const p of problems) console.log(`- ${p.split('\n')[0]}`);
  for (const p of problems) log('PROBLEM:', p);
}
process.exit(problems.length ? 1 : 0);
