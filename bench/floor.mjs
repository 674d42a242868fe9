// The latency floor: how fast each system serves when few requests are in flight, where the
// cost per request (hand-offs between threads, the JS/host boundary) shows rather than the
// throughput of many connections.
//
//   node bench/floor.mjs [--quick]
//
// wrk with one client thread at 1 and at 16 connections, for (a) hello world in a plain worker
// (workers/hello.js; workerd: workerd/hello.capnp) and (b) a dispatch worker in front of the
// same user worker (tenantd: a dispatch namespace; workerd: a service binding,
// workerd/dispatch.capnp). Every target is first loaded for 10 s at 16 connections (quick:
// 1 s), so that no row measures a JIT still compiling; then per row a 3 s warm-up per target
// and 3 rounds of 4 s with the targets alternating (quick: 1 round of 2 s); medians by req/s,
// with wrk's p50 of that round, and each server's CPU time per request in that round (user +
// system time of the server process, from /proc/PID/stat, over the requests wrk counted): the
// cost of a request, which varies less with the machine's load than the rate does. Last, how
// much CPU tenantd's JIT compiler threads used during the measured rounds.
// Target (tenantd): at least workerd's rate in every row. Needs a build (./tenantd builds one),
// wrk, and workerd (BENCH_WORKERD, or bench/.cache/workerd as bench/run.sh installs it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTenantd } from './lib/server.mjs';
import { startWorkerd } from './lib/workerd.mjs';
import { parseWrk } from './lib/wrk.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 3;
const SECONDS = quick ? 2 : 4;
// Load at 16 connections on every target before the first measured row, so that the rows at
// one connection, which come first, measure a server whose JIT has settled, as the later rows
// at 16 connections always did.
const SETTLE_SECONDS = quick ? 1 : 10;

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

// CPU time (user + system) the process has used, in microseconds.
function cpuMicros(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 1e6 / CLOCK_TICKS;
}

// CPU time (µs) of a JVM's JIT compiler threads, to show whether it was still compiling while
// measured; 0 for a process that has none.
function compilerMicros(pid) {
  let sum = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      if (!/^C[12] CompilerThre/.test(fs.readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8'))) continue;
      const fields = fs.readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8').split(') ')[1].split(' ');
      sum += (Number(fields[11]) + Number(fields[12])) * 1e6 / CLOCK_TICKS;
    } catch {
      // the thread ended meanwhile
    }
  }
  return sum;
}

// One wrk run against the server whose process is `pid`, and that process's CPU time per
// request (µs) during the run.
function measure(port, host, conns, seconds, pid) {
  const before = cpuMicros(pid);
  const compilerBefore = compilerMicros(pid);
  const r = wrk(port, host, conns, seconds);
  const cpu = cpuMicros(pid) - before;
  return { ...r, cpuPerRequest: r.requests > 0 ? cpu / r.requests : NaN, cpu, compiler: compilerMicros(pid) - compilerBefore };
}

function wrk(port, host, conns, seconds) {
  return parseWrk(execFileSync('wrk', ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', '-H', `Host: ${host}`,
    `http://127.0.0.1:${port}/`], { encoding: 'utf8' }));
}

const t = startTenantd({ name: 'floor', account: 'floor', token: 'floor-token', route: '*.floor.test/*=front' });
const workerds = [];
const problems = [];
try {
  await t.waitHealthy();
  const hello = fs.readFileSync(path.join(BENCH, 'workers', 'hello.js'), 'utf8');
  await t.api('POST', '/workers/dispatch/namespaces', { name: 'tenants' });
  await t.upload('/workers/scripts/front', { main_module: 'front.js', compatibility_date: '2025-01-01',
    bindings: [{ type: 'dispatch_namespace', name: 'dispatcher', namespace: 'tenants' }] }, 'front.js',
  fs.readFileSync(path.join(BENCH, 'workers', 'dispatcher-tenantd.js'), 'utf8'));
  await t.upload('/workers/dispatch/namespaces/tenants/scripts/hello', { main_module: 'hello.js', compatibility_date: '2025-01-01' },
    'hello.js', hello);
  await t.upload('/workers/scripts/hello', { main_module: 'hello.js', compatibility_date: '2025-01-01' }, 'hello.js', hello);
  const plain = await startWorkerd('hello.capnp');
  const dispatch = await startWorkerd('dispatch.capnp');
  workerds.push(plain, dispatch);
  const scenarios = {
    '(a) hello world': { tenantd: [t.workerPort, 'hello.localhost', t.proc.pid], workerd: [plain.port, 'hello.bench.test', plain.proc.pid] },
    '(b) dispatcher → user worker': { tenantd: [t.workerPort, 'hello.floor.test', t.proc.pid],
      workerd: [dispatch.port, 'hello.bench.test', dispatch.proc.pid] },
  };
  for (const targets of Object.values(scenarios)) {
    for (const [port, host] of Object.values(targets)) wrk(port, host, 16, SETTLE_SECONDS);
  }
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0].model}; wrk -t1, ${ROUNDS} round(s) of ${SECONDS} s, medians;`
    + ` every target loaded for ${SETTLE_SECONDS} s at 16 connections first`);
  console.log('');
  console.log('| scenario | connections | tenantd req/s | workerd req/s | tenantd / workerd | tenantd p50 ms | workerd p50 ms'
    + ' | CPU µs per request, tenantd / workerd |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  let compiler = 0;
  let serverCpu = 0;
  for (const conns of [1, 16]) {
    for (const [name, targets] of Object.entries(scenarios)) {
      for (const [port, host] of Object.values(targets)) wrk(port, host, conns, quick ? 1 : 3);
      const runs = { tenantd: [], workerd: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [system, [port, host, pid]] of Object.entries(targets)) runs[system].push(measure(port, host, conns, SECONDS, pid));
      }
      for (const x of runs.tenantd) {
        compiler += x.compiler;
        serverCpu += x.cpu;
      }
      const median = (xs) => [...xs].sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)];
      const a = median(runs.tenantd);
      const b = median(runs.workerd);
      for (const [system, xs] of Object.entries(runs)) {
        for (const x of xs) if (x.non2xx > 0 || x.socketErrors > 0) problems.push(`${system} ${name} c${conns}: ${x.non2xx} non-2xx, ${x.socketErrors} socket errors`);
      }
      const cpu = (xs) => [...xs].map((x) => x.cpuPerRequest).sort((p, q) => p - q)[Math.floor(xs.length / 2)];
      console.log(`| ${name} | ${conns} | ${a.rps.toFixed(0)} | ${b.rps.toFixed(0)} | ${(a.rps / b.rps).toFixed(2)}× | ${a.p50.toFixed(3)} | ${b.p50.toFixed(3)}`
        + ` | ${cpu(runs.tenantd).toFixed(1)} / ${cpu(runs.workerd).toFixed(1)} |`);
    }
  }
  console.log('');
  console.log(`tenantd's JIT compiler threads used ${(compiler / 1000).toFixed(0)} ms of CPU during the measured rounds`
    + ` (${(100 * compiler / serverCpu).toFixed(1)} % of the server's CPU in them)`);
} finally {
  for (const w of workerds) w.proc.kill('SIGTERM');
  await t.stop();
}
for (const p of problems.slice(0, 20)) console.log(`problem: ${p}`);
if (problems.length > 0) process.exitCode = 1;
