// Costs of common runtime operations (Response, typed arrays, Blob, Web Crypto,
// structuredClone, Headers, URL, ...), tenantd next to workerd, both running
// bench/workers/ops.js (tenantd as a plain worker, workerd with bench/workerd/ops.capnp).
//
//   node bench/ops.mjs [--quick] [--n N] [--rounds R] [--only op,op]
//
// Workers freeze their clocks while code runs, so the time is taken by the client: a request
// runs one operation N times (10,000; quick: 3,000), and the cost of one is the request's time
// less that of the same request with N = 0 (made just before it), over N. One unmeasured
// request of each first (JIT), then R rounds (5; quick: 3) alternating the two systems; medians. Reported in microseconds
// per operation, and tenantd's over workerd's. It fails when a worker answers wrongly.
// Needs a build (./tenantd builds one) and workerd (BENCH_WORKERD, or bench/.cache/workerd as
// bench/run.sh installs it). About 1 minute (quick: 15 s).
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTenantd } from './lib/server.mjs';
import { startWorkerd } from './lib/workerd.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const N = arg('--n', quick ? 3000 : 10000);
const ROUNDS = arg('--rounds', quick ? 3 : 5);
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1].split(',') : null;
// [op in workers/ops.js, what one operation is, what N of them answer]
const OPS = [
  ['json', 'JSON.parse(JSON.stringify(a small object)): the engine alone', 2],
  ['responseText', "new Response('hello world')", 1],
  ['responseBytes', 'new Response(32-byte Uint8Array)', 1],
  ['uint8Alloc', 'new Uint8Array(32)', 32],
  ['uint8Copy', 'new Uint8Array(32-byte Uint8Array)', 32],
  ['uint8FromArray', 'new Uint8Array([8 numbers])', 8],
  ['blob', 'new Blob([32-byte Uint8Array])', 32],
  ['textCodec', 'TextEncoder.encode + TextDecoder.decode (11 characters)', 11],
  ['headers', 'new Headers(3 entries) and one get', 1],
  ['url', 'new URL(an API URL) and one searchParams.get', 4],
  ['structuredClone', 'structuredClone(a small object)', 2],
  ['randomValues', 'crypto.getRandomValues(16 bytes)', 16],
  ['digest', 'await crypto.subtle.digest SHA-256 of 32 bytes', 32],
  ['hmac', 'await crypto.subtle.sign HMAC SHA-256 of 32 bytes', 32],
  ['streamRead', 'read a ReadableStream of 16 chunks of 1 KB whole (Response.arrayBuffer)', 16384],
  ['pipeThrough', '1 KB through a TransformStream and read as text', 1024],
  ['responseClone', 'clone a Response and read both', 22],
  ['headersIterate', 'iterate a Headers of 10 entries', 10],
  ['base64', 'btoa and atob of 48 characters', 48],
  ['events', 'an EventTarget, a listener and a dispatched Event', 1],
  ['jwtVerify', 'importKey of an HMAC secret, then verify a signature (a JWT check)', 1],
  ['requestJson', 'await new Request(a JSON body).json()', 4711],
];

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(port, host, urlPath) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port, path: urlPath, agent, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
    }).on('error', reject);
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

const token = 'ops-token';
const t = startTenantd({ name: 'ops', account: 'ops', token, route: '*.ops.test/*=ops', stderr: 'ignore' });
let workerd;
let failed = false;
try {
  await t.waitHealthy();
  await t.upload('/workers/scripts/ops', { main_module: 'ops.js', compatibility_date: '2025-01-01' },
    'ops.js', fs.readFileSync(path.join(BENCH, 'workers', 'ops.js'), 'utf8'));
  workerd = await startWorkerd('ops.capnp');
  const systems = [['tenantd', t.workerPort], ['workerd', workerd.port]];
  const host = 'ops.ops.test';
  // One operation's cost in microseconds, or NaN after a wrong answer (which fails the run).
  // Two empty requests go first: the first takes whatever the request before it left to the
  // next one (tenantd measures memory and may collect garbage at the start of a turn), the
  // second is the one subtracted; work left by the full request falls to the next round.
  const measure = async (name, port, op, answer) => {
    await get(port, host, `/?op=${op}&n=0`);
    const empty = await get(port, host, `/?op=${op}&n=0`);
    const full = await get(port, host, `/?op=${op}&n=${N}`);
    if (full.status !== 200 || full.body !== String(N * answer) || empty.status !== 200 || empty.body !== '0') {
      console.error(`${name} ${op}: answered ${full.status} ${full.body.slice(0, 200)} / ${empty.status} ${empty.body.slice(0, 200)}`);
      failed = true;
      return NaN;
    }
    return ((full.ms - empty.ms) * 1000) / N;
  };
  const results = {};
  const chosen = OPS.filter(([op]) => ONLY === null || ONLY.includes(op));
  for (const [op, , answer] of chosen) {
    results[op] = { tenantd: [], workerd: [] };
    for (const [name, port] of systems) await measure(name, port, op, answer);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, port] of (r % 2 === 0 ? systems : [...systems].reverse())) {
        results[op][name].push(await measure(name, port, op, answer));
      }
    }
  }
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0].model}; ${N} operations per request, ${ROUNDS} rounds, medians`);
  console.log('| operation | tenantd µs | workerd µs | tenantd / workerd |');
  console.log('|---|---:|---:|---:|');
  for (const [op, label] of chosen) {
    const a = median(results[op].tenantd);
    const b = median(results[op].workerd);
    console.log(`| ${label} | ${fmt(a)} | ${fmt(b)} | ${fmt(a / b)}x |`);
  }
} catch (e) {
  console.error(e);
  failed = true;
} finally {
  agent.destroy();
  workerd?.proc.kill('SIGTERM');
  await t.stop();
}
process.exit(failed ? 1 : 0);
