// The web-platform-tests runner (started by wpt/run.sh): runs the worker-compatible tests of a
// local copy of WPT inside a worker on tenantd and on workerd, the same script on both, and
// prints per suite how many subtests pass on each, the subtests that pass on workerd but fail on
// tenantd, and what was skipped and why.
//   WPT_DIR=/path/to/wpt        the copy of the tests (or the first argument)
//   --write                     also write the report to wpt/results/<date>.md
//   WPT_SUITES=url,dom/abort    only these suites
//   WPT_ONLY=textdecoder        only files whose path contains one of these strings
//   WPT_TARGETS=tenantd         only these runtimes (default tenantd,workerd)
//   WPT_TIMEOUT_SECONDS=20      time per file (three times that for META: timeout=long)
//   WPT_CONCURRENCY=2           files run at once on one runtime
//   WPT_RESULTS_JSON=/tmp/r.json  also write every runtime's raw report of every file there
//   WPT_KEEP_LOGS=1             keep tenantd's log in the temp folder (its path is printed)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, startTenantd, tempDir, workerForm } from '../compat/test/helpers.mjs';
import { request } from '../packages/lib/net.mjs';
import { renderReport, summarize } from './lib/report.mjs';
import { DOM_SUBTESTS, SUITES, discover, workerScript } from './lib/tests.mjs';
import { startWorkerd } from './lib/workerd.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const env = (k, d) => process.env[k] ?? d;
const args = process.argv.slice(2);
const WRITE = args.includes('--write');
const WPT_DIR = path.resolve(env('WPT_DIR', args.find((a) => !a.startsWith('--')) ?? ''));
const SUITE_LIST = env('WPT_SUITES', SUITES.join(',')).split(',').filter(Boolean);
const ONLY = env('WPT_ONLY', '').split(',').filter(Boolean);
const TARGETS = env('WPT_TARGETS', 'tenantd,workerd').split(',').filter(Boolean);
const TIMEOUT_S = Number(env('WPT_TIMEOUT_SECONDS', '20'));
const CONCURRENCY = Math.max(1, Number(env('WPT_CONCURRENCY', '2')));
const COMPAT_DATE = '2025-01-01';
const started = Date.now();
const log = (...a) => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s]`, ...a);

for (const s of SUITE_LIST) if (!SUITES.includes(s)) throw new Error(`WPT_SUITES names ${s}; the suites are ${SUITES.join(' ')}`);
for (const t of TARGETS) if (!['tenantd', 'workerd'].includes(t)) throw new Error(`WPT_TARGETS names ${t}; the runtimes are tenantd and workerd`);

// ---------------------------------------------------------------- what to run

function plan() {
  const files = discover(WPT_DIR, SUITE_LIST).filter((f) => ONLY.length === 0 || ONLY.some((o) => f.path.includes(o)));
  const scriptsDir = tempDir('wpt-scripts');
  const runs = [];
  for (const file of files.filter((f) => !f.skip)) {
    for (const variant of file.variants) {
      const name = `wpt${runs.length}`;
      const timeoutMs = TIMEOUT_S * 1000 * (file.meta.timeout === 'long' ? 3 : 1);
      const script = path.join(scriptsDir, `${name}.js`);
      fs.writeFileSync(script, workerScript(WPT_DIR, file, variant, timeoutMs));
      runs.push({ id: `${file.path}${variant}`, name, suite: file.suite, path: file.path, script, timeoutMs });
    }
  }
  return { files, runs };
}

/** Runs `fn` over `items`, `CONCURRENCY` at a time. */
async function pool(items, fn) {
  const queue = [...items];
  const lane = async () => { for (let item; (item = queue.shift());) await fn(item); };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

/** One file on one runtime: the worker's JSON report, or why there is none. */
async function runOne(port, host, run) {
  try {
    const res = await request(port, host, '/', { timeoutMs: run.timeoutMs + 30_000 });
    const text = res.body.toString('utf8');
    if (res.status !== 200) return { error: `HTTP ${res.status}: ${text.replace(/\s+/g, ' ').slice(0, 300)}` };
    try { return JSON.parse(text); } catch { return { error: `not a report: ${text.slice(0, 300)}` }; }
  } catch (e) {
    return { error: e.message };
  }
}

// ---------------------------------------------------------------- the two runtimes

async function runTenantd(runs) {
  const config = path.join(tempDir('wpt-config'), 'tenantd.toml');
  // The tests reach nothing but their own data files, which the scripts carry. Limits are
  // raised to what a local workerd allows (none), so a slow machine measures conformance rather
  // than the CPU limit; few isolates stay loaded, since each file is requested once.
  fs.writeFileSync(config, '[limits]\ncpu-ms = 60000\nlive-isolates = 8\n\n[egress]\nallow = ["127.0.0.1"]\n');
  const server = await startTenantd({ extraArgs: ['--config', config] });
  const results = {};
  try {
    log(`tenantd: uploading and running ${runs.length} test workers...`);
    await pool(runs, async (run) => {
      const form = workerForm({ body_part: 'worker.js', compatibility_date: COMPAT_DATE },
        [['worker.js', fs.readFileSync(run.script, 'utf8'), 'application/javascript']]);
      const r = await api(server, 'PUT', `A/workers/scripts/${run.name}`, { body: form });
      if (!(r.status === 200 && r.json?.success)) {
        const why = (r.json?.errors ?? []).map((e) => `${e.code} ${e.message}`).join('; ') || r.text.slice(0, 300);
        results[run.id] = { error: `upload refused (the worker does not load): HTTP ${r.status} ${why}` };
      } else {
        results[run.id] = await runOne(server.workerPort, `${run.name}.localhost`, run);
        // Each worker is requested once; deleting it keeps the server's memory flat.
        await api(server, 'DELETE', `A/workers/scripts/${run.name}`);
      }
      log(`tenantd ${run.id}: ${describe(results[run.id])}`);
    });
  } finally {
    if (process.env.WPT_KEEP_LOGS) {
      const file = path.join(os.tmpdir(), `tenantd-wpt-${Date.now()}.log`);
      fs.writeFileSync(file, server.log());
      log(`tenantd's log: ${file}`);
    }
    await server.stop();
  }
  return results;
}

function workerdBinary() {
  const modules = env('TENANTD_COMPAT_MODULES', path.join(repo, 'compat', '.cache', 'node_modules'));
  const bin = path.join(modules, 'workerd', 'bin', 'workerd');
  if (fs.existsSync(bin) && fs.readFileSync(bin).subarray(0, 4).toString('latin1') === '\x7fELF') return bin;
  return path.join(modules, '@cloudflare', 'workerd-linux-64', 'bin', 'workerd');
}

async function runWorkerd(runs) {
  const binary = workerdBinary();
  const results = {};
  const dispatcherFile = path.join(repo, 'packages', 'dispatcher.js');
  const serve = async (batch, label) => {
    const runDir = tempDir('wpt-workerd');
    const w = await startWorkerd({ binary, runDir, dispatcherFile, date: COMPAT_DATE,
      workers: batch.map((r) => ({ name: r.name, file: r.script })) });
    try {
      await pool(batch, async (run) => {
        results[run.id] = await runOne(w.port, `${run.name}.tenants.test`, run);
        log(`workerd ${run.id}: ${describe(results[run.id])}`);
      });
    } finally {
      await w.stop();
    }
    log(`workerd: ${label} done`);
  };
  // One workerd per suite; workerd refuses a whole config when one script does not load, so
  // then each file of that suite gets a workerd of its own and the ones that fail are named.
  for (const suite of SUITE_LIST) {
    const batch = runs.filter((r) => r.suite === suite);
    if (batch.length === 0) continue;
    try {
      await serve(batch, suite);
      // A file that spins in synchronous code holds the thread the other services share, and
      // the files behind it time out too: the ones that timed out run again, each on its own.
      const stalled = batch.filter((r) => /timed out after/.test(results[r.id].error ?? ''));
      if (stalled.length > 1) {
        log(`workerd: ${stalled.length} ${suite} files did not answer; again, one at a time`);
        for (const run of stalled) await serve([run], run.id);
      }
    } catch (e) {
      log(`workerd: the ${suite} workers do not start together (${e.message.split('\n')[0]}); one at a time`);
      for (const run of batch) {
        try { await serve([run], run.id); } catch (e2) {
          results[run.id] = { error: `the worker does not load: ${e2.message.replace(/\s+/g, ' ').slice(0, 300)}` };
        }
      }
    }
  }
  return results;
}

function describe(r) {
  if (r.error) return `FAILED (${r.error.slice(0, 120)})`;
  const pass = r.tests.filter((t) => t.status === 'PASS').length;
  return `${pass}/${r.tests.length} passed${r.harness.status !== 'OK' ? `, harness ${r.harness.status}` : ''}`;
}

// ---------------------------------------------------------------- main

/** The copy's commit and its subject when WPT_DIR is a git checkout, so a report says what it measured. */
function wptRevision() {
  try {
    return execFileSync('git', ['-C', WPT_DIR, 'log', '-1', '--format=%H %cs %s'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'not a git checkout';
  }
}

async function main() {
  if (!fs.existsSync(path.join(WPT_DIR, 'resources', 'testharness.js'))) {
    throw new Error(`WPT_DIR=${WPT_DIR} has no resources/testharness.js; point WPT_DIR (or the first argument) at a copy of the web-platform-tests`);
  }
  const { files, runs } = plan();
  log(`${files.length} test files, ${files.filter((f) => f.skip).length} skipped, ${runs.length} workers to run (files × variants)`);
  const results = {};
  for (const target of TARGETS) {
    log(`starting ${target}...`);
    results[target] = target === 'tenantd' ? await runTenantd(runs) : await runWorkerd(runs);
  }
  const summary = summarize({ files, runs, results, targets: TARGETS, domSubtests: DOM_SUBTESTS });
  summary.wptRevision = wptRevision();
  console.log(renderReport(summary, { markdown: false }));
  if (process.env.WPT_RESULTS_JSON) fs.writeFileSync(process.env.WPT_RESULTS_JSON, JSON.stringify({ runs, results }, null, 1));
  if (WRITE) {
    const dir = path.join(here, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}.md`);
    fs.writeFileSync(file, renderReport(summary, { markdown: true, compatDate: COMPAT_DATE, wptDir: WPT_DIR }));
    log(`report written to ${path.relative(repo, file)}`);
  }
  return summary.behind.length > 0 ? 1 : 0;
}

process.exit(await main().catch((e) => { console.error(e.stack ?? e); return 2; }));
