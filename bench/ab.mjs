// Two builds of tenantd side by side: does a change cost throughput? Each build serves
// (a) hello world from a plain worker and (b) the same through a dispatch worker and a
// user worker; wrk rounds alternate A B A B ... on the same machine, medians are compared.
//
//   node bench/ab.mjs A_DIR B_DIR [--rounds N] [--seconds S]
//
// A_DIR and B_DIR each hold a tenantd-server.jar with its lib/ (copy tenantd-server/target
// of each build). Needs wrk. Prints requests/s per build and scenario, and B/A.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTenantd } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const rounds = option('--rounds', 5);
const seconds = option('--seconds', 8);
if (args.length !== 2) {
  console.error('usage: node bench/ab.mjs A_DIR B_DIR [--rounds N] [--seconds S]');
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

async function start(build, label) {
  const server = startTenantd({ name: `ab-${label}`, account: ACCOUNT, token: TOKEN, route: '*.bench.test/*=dispatcher',
    build, stderr: 'ignore' });
  await server.waitHealthy();
  await server.api('POST', '/workers/dispatch/namespaces', { name: 'bench' });
  const meta = (main, bindings = []) => ({ main_module: main, compatibility_date: '2024-09-23', bindings });
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
  servers.push(await start(builds[0], 'a'), await start(builds[1], 'b'));
  const scenarios = [['hello world', 'hello.localhost'], ['dispatch', 'hello.bench.test']];
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
} finally {
  for (const s of servers) await s.stop();
}
