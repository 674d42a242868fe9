// Fairness: one tenant runs CPU-heavy requests flat out; another tenant's p99
// latency must stay within 3x of its value on an idle server.
//
//   node bench/fairness.mjs [--quick]
//
// Starts its own tenantd (./tenantd serve, built already) on loopback ports,
// uploads a dispatcher, a heavy and a light user worker, then measures the light
// tenant's latency first idle, then while the heavy tenant is saturated.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { percentile, startTenantd } from './lib/server.mjs';

const quick = process.argv.includes('--quick');
const rounds = quick ? 2 : 5;
const samples = quick ? 300 : 1000; // light requests per phase and round
const warmup = 100; // unrecorded light requests at the start of each phase
const heavyClients = quick ? 4 : 8;
const token = 'fairness-token';
const account = 'fair';
const t = startTenantd({ name: 'fairness', account, token, route: '*.fair.test/*=front' });
const { workerPort, request } = t;

async function sampleLight(count, into) {
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    const r = await request(workerPort, 'GET', '/', { host: 'light.fair.test' });
    if (r.status !== 200) throw new Error(`light tenant failed: ${r.status} ${r.body}`);
    into.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

// The heavy tenant's load comes from a separate process (wrk), so that the client
// measuring the light tenant is not itself slowed by handling the heavy responses.
async function withHeavyLoad(body) {
  const wrk = spawn('wrk', ['-t1', `-c${heavyClients}`, '-d600s', '-H', 'Host: heavy.fair.test',
    `http://127.0.0.1:${workerPort}/`], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  wrk.stdout.on('data', (d) => { out += d; });
  await new Promise((r) => setTimeout(r, 500));
  try {
    await body();
  } finally {
    wrk.kill('SIGINT');
    await new Promise((r) => wrk.on('exit', r));
    // Requests wrk left in flight still run on the server: let them finish before
    // the next idle phase.
    await new Promise((r) => setTimeout(r, 1000));
  }
  return Number((/(\d+) requests in/.exec(out) || [0, 0])[1]);
}

let exitCode = 0;
try {
  await t.waitHealthy();
  const ns = await t.api('POST', '/workers/dispatch/namespaces', { name: 'tenants' });
  if (ns.status !== 200) throw new Error(ns.body);
  await t.upload('/workers/scripts/front', { main_module: 'f.js', compatibility_date: '2024-09-23',
    bindings: [{ type: 'dispatch_namespace', name: 'NS', namespace: 'tenants' }] }, 'f.js',
  "export default { fetch(r, env) { return env.NS.get(new URL(r.url).hostname.split('.')[0]).fetch(r); } };");
  await t.upload('/workers/dispatch/namespaces/tenants/scripts/heavy', { main_module: 'h.js' }, 'h.js',
    // Some 20 ms of work per request, counted: a worker's clock does not advance while it runs.
    'export default { fetch() { let x = 0; for (let i = 0; i < 4e7; i++) { x = (x + i) | 0; } return new Response(String(x)); } };');
  await t.upload('/workers/dispatch/namespaces/tenants/scripts/light', { main_module: 'l.js' }, 'l.js',
    "export default { fetch() { return new Response('light'); } };");

  await sampleLight(samples, []); // warm-up
  // Idle and loaded phases alternate, so that drift over the run (JIT, caches, other
  // processes) falls on both alike; the percentiles are over all samples of a kind.
  const idleTimes = [];
  const loadedTimes = [];
  let heavyDone = 0;
  // Each phase starts with a few unrecorded requests: the phases measure the steady
  // state, not the first request after the pause between them.
  const steady = async (into) => { await sampleLight(warmup, []); await sampleLight(samples, into); };
  for (let round = 0; round < rounds; round++) {
    await steady(idleTimes);
    heavyDone += await withHeavyLoad(() => steady(loadedTimes));
  }
  const idle = summary(idleTimes);
  const loaded = summary(loadedTimes);

  const ratio = loaded.p99 / idle.p99;
  const line = (name, m) => `| ${name} | ${m.p50.toFixed(2)} | ${m.p99.toFixed(2)} |`;
  console.log(`Method: a light tenant's requests one at a time through the dispatcher, in ${rounds} rounds that each measure ${samples} requests on an idle server and ${samples} while wrk (a separate process) keeps ${heavyClients} connections of a heavy tenant (20 ms of CPU per request) saturated; percentiles over all samples of a phase.\n`);
  console.log(`Fairness (${os.cpus().length} cores, ${idleTimes.length} light requests per phase, ${heavyClients} heavy clients, heavy requests served: ${heavyDone})`);
  console.log('| light tenant | p50 ms | p99 ms |\n|---|---|---|');
  console.log(line('idle server', idle));
  console.log(line('heavy tenant saturating', loaded));
  console.log(`p99 ratio loaded/idle: ${ratio.toFixed(2)} (target <= 3)${ratio > 3 ? ' — target missed' : ''}`);
  // A missed target fails the full run; the quick smoke run (CI) fails only on errors.
  if (ratio > 3 && !quick) exitCode = 1;
} catch (e) {
  console.error(`fairness benchmark failed: ${e.stack || e}`);
  exitCode = 2;
} finally {
  await t.stop();
}
process.exit(exitCode);
