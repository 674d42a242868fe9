// The real-packages suite (started by packages/run.sh): bundles every worker under workers/ with
// the real wrangler, runs each case against tenantd and against workerd on the same bundles,
// prints both results side by side, then the throughput of the JWT and gzip workers on both.
//   PACKAGES_TARGETS=tenantd,workerd    which runtimes (default both)
//   PACKAGES_ALLOW_UNSUPPORTED=1        cases listed in NOT_YET_SUPPORTED do not fail the run
//   PACKAGES_ONLY=jose/HS256,sse        only these cases (ids or worker names)
//   PACKAGES_BENCH_SECONDS=3            length of each throughput run (0 skips them)
//   PACKAGES_WARMUP_SECONDS=5           the same load first, not counted, on each runtime alike
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DISPATCHER, TENANT_SUFFIX, api, startTenantd, tempDir, workerForm, wrangler, show } from '../compat/test/helpers.mjs';
import { parseWrk } from '../bench/lib/wrk.mjs';
import { cases, fx, workerEnv, wsClient } from './lib/cases.mjs';
import { request } from './lib/net.mjs';
import { startOrigin } from './lib/origin.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startWorkerd } from './lib/workerd.mjs';

// Cases that need a runtime feature tenantd does not have yet, with the feature. They still
// run; a failure among them is reported as NOT YET SUPPORTED instead of FAILED, and one that
// passes must be taken off this list (the run fails until it is, so the list stays true).
const NOT_YET_SUPPORTED = {};

const here = path.dirname(fileURLToPath(import.meta.url));
const workersDir = path.join(here, 'workers');
const cacheDir = path.join(here, '.cache');
const env = (k, d) => process.env[k] ?? d;
const TARGETS = env('PACKAGES_TARGETS', 'tenantd,workerd').split(',').filter(Boolean);
const ALLOW_UNSUPPORTED = env('PACKAGES_ALLOW_UNSUPPORTED', '') === '1';
const ONLY = env('PACKAGES_ONLY', '').split(',').filter(Boolean);
const BENCH_SECONDS = Number(env('PACKAGES_BENCH_SECONDS', '3'));
const WARMUP_SECONDS = Number(env('PACKAGES_WARMUP_SECONDS', '5'));
const NAMESPACE = 'packages';
const started = Date.now();
const log = (...a) => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...a);

const selected = cases.filter((c) => ONLY.length === 0 || ONLY.includes(c.id) || ONLY.includes(c.worker));
const workerNames = [...new Set(selected.map((c) => c.worker))];
for (const id of Object.keys(NOT_YET_SUPPORTED)) {
  if (!cases.some((c) => c.id === id)) throw new Error(`NOT_YET_SUPPORTED names ${id}, which is no case`);
}
if (selected.length === 0) throw new Error(`PACKAGES_ONLY=${ONLY.join(',')} selects no case; the cases are ${cases.map((c) => c.id).join(' ')}`);

// ---------------------------------------------------------------- bundling with wrangler

function tomlValue(toml, key) {
  const m = new RegExp(`^${key}\\s*=\\s*(.+)$`, 'm').exec(toml);
  return m ? JSON.parse(m[1]) : undefined;
}

/** Everything a bundle is made from: the worker's files, what they import from the suite, the lockfile. */
function bundleKey(src) {
  const hash = crypto.createHash('sha256');
  const files = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const f of [...files(src), ...files(path.join(here, 'fixtures')), path.join(here, 'lib', 's3-input.mjs'), path.join(here, 'package-lock.json')].sort()) {
    hash.update(f).update(fs.readFileSync(f));
  }
  return hash.digest('hex');
}

async function bundle(name) {
  const src = path.join(workersDir, name);
  const out = path.join(cacheDir, 'bundles', name);
  const key = bundleKey(src);
  const keyFile = path.join(cacheDir, 'bundles', `${name}.key`);
  if (fs.existsSync(out) && fs.readFileSync(keyFile, { encoding: 'utf8', flag: 'a+' }) === key) log(`  ${name}: unchanged since the last bundle`);
  else {
    fs.rmSync(out, { recursive: true, force: true });
    const r = await wrangler({ apiBase: 'http://127.0.0.1:9/client/v4' }, ['deploy', '--dry-run', '--outdir', out], { cwd: src });
    if (r.code !== 0) throw new Error(`wrangler could not bundle ${name}:\n${show(r)}`);
    fs.writeFileSync(keyFile, key);
  }
  const toml = fs.readFileSync(path.join(src, 'wrangler.toml'), 'utf8');
  const modules = fs.readdirSync(out).filter((f) => f.endsWith('.js') || f.endsWith('.mjs') || f.endsWith('.wasm'))
    .map((f) => ({ name: f, wasm: f.endsWith('.wasm') }));
  const imports = new Set();
  for (const m of modules.filter((m) => !m.wasm)) {
    for (const [, spec] of fs.readFileSync(path.join(out, m.name), 'utf8').matchAll(/(?:from|import)\s*\(?\s*"((?:node|cloudflare):[\w/]+)"/g)) imports.add(spec);
  }
  // The main module first: workerd takes the first module listed as the main one.
  const main = tomlValue(toml, 'main');
  modules.sort((a, b) => (b.name === path.basename(main)) - (a.name === path.basename(main)));
  return { name, dir: out, main, date: tomlValue(toml, 'compatibility_date'),
    flags: tomlValue(toml, 'compatibility_flags') ?? [], modules, imports: [...imports].sort(),
    bytes: modules.reduce((n, m) => n + fs.statSync(path.join(out, m.name)).size, 0) };
}

async function bundleAll(names) {
  const out = [];
  const queue = [...names];
  const lane = async () => { for (let n; (n = queue.shift());) out.push(await bundle(n)); };
  await Promise.all([lane(), lane()]);
  return out.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
}

// ---------------------------------------------------------------- the two runtimes

async function tenantdTarget(bundles, vars) {
  const config = path.join(tempDir('config'), 'tenantd.toml');
  // The origin and PostgreSQL are on loopback, which only the operator's allow list opens.
  fs.writeFileSync(config, '[egress]\nallow = ["127.0.0.1"]\n');
  const server = await startTenantd({ extraArgs: ['--config', config] });
  const ok = (r, what) => assert.ok(r.status === 200 && r.json?.success, `${what}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
  ok(await api(server, 'POST', 'A/workers/dispatch/namespaces', { json: { name: NAMESPACE } }), 'create namespace');
  ok(await api(server, 'PUT', `A/workers/scripts/${DISPATCHER}`, { body: workerForm({
    main_module: 'dispatcher.js', compatibility_date: '2025-09-01',
    bindings: [{ type: 'dispatch_namespace', name: 'DISPATCHER', namespace: NAMESPACE }],
  }, [['dispatcher.js', fs.readFileSync(path.join(here, 'dispatcher.js'), 'utf8')]]) }), 'upload dispatcher');
  const refused = {};
  for (const b of bundles) {
    const form = workerForm({
      main_module: b.main, compatibility_date: b.date, compatibility_flags: b.flags,
      bindings: Object.entries(vars[b.name] ?? {}).map(([name, text]) => ({ type: 'plain_text', name, text })),
    }, b.modules.map((m) => (m.wasm ? [m.name, fs.readFileSync(path.join(b.dir, m.name)), 'application/wasm']
      : [m.name, fs.readFileSync(path.join(b.dir, m.name), 'utf8')])));
    const r = await api(server, 'PUT', `A/workers/dispatch/namespaces/${NAMESPACE}/scripts/${b.name}`, { body: form });
    if (!(r.status === 200 && r.json?.success)) refused[b.name] = `upload refused: HTTP ${r.status} ${(r.json?.errors ?? []).map((e) => `${e.code} ${e.message}`).join('; ') || r.text.slice(0, 300)}`;
  }
  return { name: 'tenantd', port: server.workerPort, refused, stop: () => server.stop(), log: server.log };
}

async function workerdTarget(bundles, vars) {
  const binary = workerdBinary();
  const runDir = path.join(cacheDir, 'bundles');
  const w = await startWorkerd({ binary, runDir, dispatcherFile: path.join(here, 'dispatcher.js'), bundles, env: vars });
  return { name: 'workerd', port: w.port, refused: {}, stop: () => w.stop(), log: w.log };
}

function workerdBinary() {
  const pkg = path.join(here, 'node_modules', 'workerd');
  const bin = path.join(pkg, 'bin', 'workerd');
  if (fs.readFileSync(bin).subarray(0, 4).toString('latin1') === '\x7fELF') return bin;
  return path.join(here, 'node_modules', '@cloudflare', 'workerd-linux-64', 'bin', 'workerd');
}

// ---------------------------------------------------------------- running the cases

async function runCases(target, origin) {
  const t = {
    origin,
    call: (worker, p, opts) => request(target.port, `${worker}.${TENANT_SUFFIX}`, p, opts),
    ws: (worker, p) => wsClient(target.port, `${worker}.${TENANT_SUFFIX}`, p),
  };
  const results = {};
  for (const c of selected) {
    const expected = await c.expect();
    let actual;
    let error;
    if (target.refused[c.worker]) error = target.refused[c.worker];
    else {
      try {
        actual = await Promise.race([c.run(t), new Promise((_, rej) => setTimeout(() => rej(new Error('case timed out after 120 s')), 120_000))]);
      } catch (e) { error = e.message; }
    }
    let pass = false;
    if (error === undefined) {
      try { assert.deepStrictEqual(actual, expected); pass = true; } catch { error = 'the answer differs from the expected one'; }
    }
    results[c.id] = { pass, actual, expected, error };
    log(`${target.name} ${c.id}: ${pass ? 'passed' : 'FAILED'}`);
  }
  return results;
}

// ---------------------------------------------------------------- throughput

const THROUGHPUT = [
  { label: 'JWT verify (jose HS256)', worker: 'bench-jwt', headers: { authorization: `Bearer ${fx.tokens.HS256}` } },
  { label: 'gzip 16 KiB (CompressionStream)', worker: 'bench-gzip', headers: {} },
  { label: 'Argon2id hash, 1 MiB, 3 passes (WebAssembly)', worker: 'argon2', caseId: 'argon2/wasm', path: '/hash?password=tenantd-password', headers: {} },
];

// A run of WARMUP_SECONDS first, not counted: a server that has just started (the JVM's compilers
// at work, the engine's code for the worker not yet optimized) is not what a platform serves with.
function throughput(target, item) {
  if (WARMUP_SECONDS > 0) wrk(target, item, WARMUP_SECONDS);
  return wrk(target, item, BENCH_SECONDS);
}

function wrk(target, item, seconds) {
  const args = ['-t1', '-c16', `-d${seconds}s`, '--latency', '-H', `Host: ${item.worker}.${TENANT_SUFFIX}`];
  for (const [k, v] of Object.entries(item.headers)) args.push('-H', `${k}: ${v}`);
  const out = execFileSync('wrk', [...args, `http://127.0.0.1:${target.port}${item.path ?? '/'}`], { encoding: 'utf8' });
  return parseWrk(out);
}

// ---------------------------------------------------------------- report

function cell(r) {
  if (!r) return 'not run';
  return r.pass ? 'passed' : 'FAILED';
}

function short(s) {
  return String(s).replace(/\s+/g, ' ').slice(0, 160);
}

async function main() {
  fs.mkdirSync(cacheDir, { recursive: true });
  log(`bundling ${workerNames.length} workers with wrangler...`);
  const bundles = await bundleAll(workerNames);
  for (const b of bundles) log(`  ${b.name}: ${(b.bytes / 1024).toFixed(0)} KiB, ${b.flags.join(',') || 'no flags'}, imports ${b.imports.join(' ') || 'none'}`);

  const origin = await startOrigin();
  const needsPg = workerNames.includes('postgres');
  const pg = needsPg ? await startPostgres() : null;
  const vars = workerEnv({ pgUrl: pg?.url ?? 'postgres://unused', originUrl: origin.url });
  const results = {};
  const rates = {};
  try {
    for (const name of TARGETS) {
      log(`starting ${name}...`);
      const target = name === 'tenantd' ? await tenantdTarget(bundles, vars) : await workerdTarget(bundles, vars);
      try {
        results[name] = await runCases(target, origin);
        rates[name] = {};
        if (BENCH_SECONDS > 0) {
          for (const item of THROUGHPUT) {
            if (!workerNames.includes(item.worker)) continue;
            if (!results[name][item.caseId ?? item.worker]?.pass) { rates[name][item.worker] = null; continue; }
            log(`${name} throughput: ${item.label}`);
            rates[name][item.worker] = throughput(target, item);
          }
        }
      } finally {
        if (process.env.PACKAGES_KEEP_LOGS) fs.writeFileSync(path.join(cacheDir, `${name}.log`), target.log());
        await target.stop();
      }
    }
  } finally {
    await origin.stop();
    pg?.stop();
  }
  return report(results, rates);
}

function report(results, rates) {
  const problems = [];
  const lines = [];
  lines.push('', '| case | tenantd | workerd | same |', '|---|---|---|---|');
  for (const c of selected) {
    const t = results.tenantd?.[c.id];
    const w = results.workerd?.[c.id];
    const reason = NOT_YET_SUPPORTED[c.id];
    let tc = cell(t);
    if (t && !t.pass && reason) tc = 'NOT YET SUPPORTED';
    if (t && t.pass && reason) problems.push(`${c.id} passes on tenantd but is listed as not yet supported ("${reason}"): take it off NOT_YET_SUPPORTED in packages/run.mjs`);
    if (t && !t.pass && !reason) problems.push(`tenantd ${c.id}: ${short(t.error)}`);
    if (t && !t.pass && reason && !ALLOW_UNSUPPORTED) problems.push(`tenantd ${c.id}: not yet supported (${reason})`);
    if (w && !w.pass) problems.push(`workerd ${c.id} (the reference fails: the case or its expectation is wrong): ${short(w.error)}`);
    const same = t && w ? (JSON.stringify(t.actual) === JSON.stringify(w.actual) && t.error === undefined && w.error === undefined ? 'yes' : 'NO') : '-';
    lines.push(`| ${c.id} | ${tc} | ${cell(w)} | ${same} |`);
  }
  const details = [];
  for (const c of selected) {
    for (const name of TARGETS) {
      const r = results[name]?.[c.id];
      if (r && !r.pass) {
        details.push(`- ${name} ${c.id}${NOT_YET_SUPPORTED[c.id] && name === 'tenantd' ? ` [NOT YET SUPPORTED: ${NOT_YET_SUPPORTED[c.id]}]` : ''}: ${short(r.error)}`);
        if (r.actual !== undefined) {
          details.push(`    saw:      ${JSON.stringify(r.actual).slice(0, 400)}`);
          details.push(`    expected: ${JSON.stringify(r.expected).slice(0, 400)}`);
        }
      }
    }
  }
  if (details.length) lines.push('', 'Why:', ...details);
  if (BENCH_SECONDS > 0) {
    const warmUp = WARMUP_SECONDS > 0 ? `, after ${WARMUP_SECONDS} s of the same load not counted` : ', servers not warmed up first';
    lines.push('', `Throughput (wrk -t1 -c16 -d${BENCH_SECONDS}s through the dispatcher${warmUp}; client and servers share the `
      + 'machine\'s cores):', '',
      '| worker | tenantd req/s | workerd req/s | tenantd p50 / p99 ms | workerd p50 / p99 ms |', '|---|---|---|---|---|');
    for (const item of THROUGHPUT) {
      if (!workerNames.includes(item.worker)) continue;
      const fmt = (r) => (r ? r.rps.toFixed(0) : 'n/a (case fails)');
      const lat = (r) => (r ? `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)}` : '-');
      const t = rates.tenantd?.[item.worker];
      const w = rates.workerd?.[item.worker];
      lines.push(`| ${item.label} | ${fmt(t)} | ${fmt(w)} | ${lat(t)} | ${lat(w)} |`);
      for (const [name, r] of [['tenantd', t], ['workerd', w]]) {
        if (r && (r.non2xx || r.socketErrors)) problems.push(`${name} throughput ${item.worker}: ${r.non2xx} non-2xx answers, ${r.socketErrors} socket errors`);
      }
    }
  }
  console.log(lines.join('\n'));
  if (problems.length) {
    console.log(`\n${problems.length} problem(s):\n${problems.map((p) => `- ${p}`).join('\n')}`);
    if (Object.keys(NOT_YET_SUPPORTED).length && !ALLOW_UNSUPPORTED) console.log('(PACKAGES_ALLOW_UNSUPPORTED=1 lets the listed cases fail without failing the run)');
  }
  const count = (name, f) => selected.filter((c) => f(results[name]?.[c.id], c)).length;
  for (const name of TARGETS) {
    const unsupported = name === 'tenantd' ? count(name, (r, c) => r && !r.pass && NOT_YET_SUPPORTED[c.id]) : 0;
    const failed = count(name, (r) => r && !r.pass) - unsupported;
    console.log(`${name}: ${count(name, (r) => r?.pass)} of ${selected.length} cases passed, ${failed} failed`
      + (unsupported ? `, ${unsupported} not yet supported${ALLOW_UNSUPPORTED ? ' (allowed by PACKAGES_ALLOW_UNSUPPORTED)' : ''}` : ''));
  }
  return problems.length ? 1 : 0;
}

// Exit at once: a connection a failed case left behind (a worker still fetching the origin's
// page, say) must not hold the run open once the report is out.
process.exit(await main().catch((e) => { console.error(e.stack ?? e); return 1; }));
