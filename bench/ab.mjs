// Two builds of tenantd side by side: does a change cost throughput or cold start? Each build
// serves (a) hello world from a plain worker and (b) the same through a dispatch worker and a
// user worker; wrk rounds alternate A B A B ... on the same machine, medians are compared.
// Then both get the same never-seen ~12 KB workers (bench/lib/scripts.mjs coldScript), one at
// a time and interleaved: upload, then the first request through the dispatch worker, timed.
//
//   node bench/ab.mjs A_DIR B_DIR [--rounds N] [--seconds S] [--cold N] [--dispatch-only]
//                    [--config-a FILE] [--config-b FILE]
//
// --cold 0 leaves cold start out; --dispatch-only measures only scenario (b). --config-a and
// --config-b give one side a tenantd.toml: one build against itself with two settings (say,
// invocation records off and on) is measured the same way.
//
// A_DIR and B_DIR each hold a tenantd-server.jar with its lib/ (copy tenantd-server/target
// of each build). Needs wrk. Prints requests/s per build and scenario, cold-start p50 and p99,
// and B/A.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coldScript } from './lib/scripts.mjs';
import { percentile, startTenantd } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const rounds = option('--rounds', 5);
const seconds = option('--seconds', 8);
const coldN = option('--cold', 100);
const textOption = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? path.resolve(args.splice(at, 2)[1]) : null;
};
const configs = [textOption('--config-a'), textOption('--config-b')];
for (const file of configs) {
  if (file !== null && !fs.existsSync(file)) {
    console.error(`ab: no such configuration file: ${file}`);
    process.exit(2);
  }
}
const only = args.includes('--dispatch-only') ? args.splice(args.indexOf('--dispatch-only'), 1) && 'dispatch' : null;
if (args.length !== 2) {
  console.error('usage: node bench/ab.mjs A_DIR B_DIR [--rounds N] [--seconds S] [--cold N] [--dispatch-only] '
    + '[--config-a FILE] [--config-b FILE]');
  process.exit(2);
}
const builds = args.map((dir) => path.resolve(dir));
for (const dir of builds) {
  if (!fs.existsSync(path.join(dir, 'tenantd-server.jar'))) {
    console.error(`ab: ${dir} holds no tenantd-server.jar`);
    process.exit(2);
  }
}

const ACCOUNT = 'bench';
const TOKEN = 'bench-token-0123456789';
const hello = fs.readFileSync(path.join(here, 'workers', 'hello.js'), 'utf8');
const dispatcher = fs.readFileSync(path.join(here, 'workers', 'dispatcher-tenantd.js'), 'utf8');

const meta = (main, bindings = []) => ({ main_module: main, compatibility_date: '2024-09-23', bindings });

async function start(build, label, config) {
  const server = startTenantd({ name: `ab-${label}`, account: ACCOUNT, token: TOKEN, route: '*.bench.test/*=dispatcher',
    build, stderr: 'ignore', extraArgs: config === null ? [] : ['--config', config] });
  await server.waitHealthy();
  await server.api('POST', '/workers/dispatch/namespaces', { name: 'bench' });
  await server.upload('/workers/scripts/hello', meta('hello.js'), 'hello.js', hello);
  await server.upload('/workers/dispatch/namespaces/bench/scripts/hello', meta('hello.js'), 'hello.js', hello);
  await server.upload('/workers/scripts/dispatcher',
    meta('dispatcher.js', [{ type: 'dispatch_namespace', name: 'dispatcher', namespace: 'bench' }]), 'dispatcher.js', dispatcher);
  return server;
}

function wrk(port, host, duration) {
  const out = execFileSync('wrk', ['-t2', '-c32', `-d${duration}s`, '-H', `Host: ${host}`, `http://127.0.0.1:${port}/`],
    { encoding: 'utf8' });
  if (/Non-2xx/.test(out) || /Socket errors/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const servers = [];
try {
  servers.push(await start(builds[0], 'a', configs[0]), await start(builds[1], 'b', configs[1]));
  // Cold start first, while the API client's kept-alive connections are fresh: upload
  // through the API, then the first request, timed alone.
  if (coldN > 0) servers.forEach((s) => wrk(s.workerPort, 'hello.bench.test', 3)); // the JIT warms up first
  const cold = [[], []];
  for (let i = 0; coldN > 0 && i < 10 + coldN; i++) {
    const name = `cold-${i}`;
    const code = coldScript(name);
    for (const [b, s] of servers.entries()) {
      await s.upload(`/workers/dispatch/namespaces/bench/scripts/${name}`, meta('main.js'), 'main.js', code);
      const started = process.hrtime.bigint();
      const r = await s.request(s.workerPort, 'GET', '/', { host: `${name}.bench.test` });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (r.status !== 200 || r.body !== `cold ${name}`) throw new Error(`cold start ${name}: HTTP ${r.status} ${r.body.slice(0, 120)}`);
      if (i >= 10) cold[b].push(ms);
    }
  }
  const scenarios = [['hello world', 'hello.localhost'], ['dispatch', 'hello.bench.test']]
    .filter(([name]) => only === null || name === only);
  const results = scenarios.map(() => [[], []]);
  for (const [i, [, host]] of scenarios.entries()) {
    servers.forEach((s) => wrk(s.workerPort, host, 2)); // warm-up
    for (let r = 0; r < rounds; r++) {
      servers.forEach((s, b) => results[i][b].push(wrk(s.workerPort, host, seconds)));
    }
  }
  console.log(`A = ${builds[0]}\nB = ${builds[1]}\n${rounds} rounds of wrk -t2 -c32 -d${seconds}s each, alternating\n`);
  console.log('| scenario | A req/s | B req/s | B/A |\n|---|---:|---:|---:|');
  scenarios.forEach(([name], i) => {
    const [a, b] = results[i].map(median);
    console.log(`| ${name} | ${Math.round(a)} | ${Math.round(b)} | ${(b / a).toFixed(3)} |`);
  });
  if (coldN > 0) {
  console.log(`\n${coldN} never-seen ~12 KB workers each (after 10 warm-ups), upload then first request through the dispatcher, interleaved\n`);
  console.log('| cold start, first request | A ms | B ms | B/A |\n|---|---:|---:|---:|');
  for (const [label, p] of [['p50', 0.5], ['p99', 0.99]]) {
    const [a, b] = cold.map((xs) => percentile([...xs].sort((x, y) => x - y), p));
    console.log(`| ${label} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b / a).toFixed(3)} |`);
  }
  }
} finally {
  for (const s of servers) await s.stop();
}
