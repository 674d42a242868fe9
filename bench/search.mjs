// The operator's view at scale: one dispatch namespace of 10,000 user workers, each tagged
// with its customer and plan, some traffic through a dispatch worker, then the API calls the
// dashboard makes, each timed over repeated runs (p50 and max, in milliseconds):
//   namespaces with script counts, the first page of scripts, a name prefix search, a tag
//   search, a deep page, one script's page (script, settings, versions), the newest logs of
//   the namespace, and GraphQL's per-script totals of the last hour.
//
//   node bench/search.mjs [--scripts N] [--runs N]
//
// Uses the build in BENCH_TENANTD (a directory with tenantd-server.jar and lib/) or ./tenantd.
// Seeding 10,000 scripts takes about three minutes on 2 cores: every upload is validated in
// an isolate. Prints a markdown table on stdout, progress on stderr; exits non-zero on any
// failed call or a page that does not hold what it should.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, startTenantd } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const SCRIPTS = option('--scripts', 10_000);
const RUNS = option('--runs', 20);
if (args.length > 0 || !(SCRIPTS >= 100) || !(RUNS >= 1)) {
  console.error('usage: node bench/search.mjs [--scripts N (100 or more)] [--runs N]');
  process.exit(2);
}
const ACCOUNT = 'bench';
const TOKEN = 'bench-token-0123456789';
const NS = 'customers';
const dispatcher = fs.readFileSync(path.join(here, 'workers', 'dispatcher-tenantd.js'), 'utf8')
  .replaceAll('env.dispatcher', 'env.customers');
const name = (i) => `shop-${String(i).padStart(5, '0')}`;
// One code for every customer (the blob is stored once); what differs is name and tags.
const userCode = "export default { fetch(request) { console.log('served', new URL(request.url).pathname); "
  + "return new Response('hello'); } };";

const server = startTenantd({ name: 'search', account: ACCOUNT, token: TOKEN, route: '*.bench.test/*=dispatcher',
  stderr: 'ignore' });
try {
  await server.waitHealthy();
  await ok(server.api('POST', '/workers/dispatch/namespaces', { name: NS }));
  await server.upload('/workers/scripts/dispatcher', {
    main_module: 'd.js', compatibility_date: '2024-09-23',
    bindings: [{ type: 'dispatch_namespace', name: 'customers', namespace: NS }],
  }, 'd.js', dispatcher);

  const started = Date.now();
  let next = 0;
  async function seeder() {
    while (next < SCRIPTS) {
      const i = next++;
      await server.upload(`/workers/dispatch/namespaces/${NS}/scripts/${name(i)}`, {
        main_module: 'u.js', compatibility_date: '2024-09-23',
        tags: [`customer-${i}`, i % 10 === 0 ? 'plan-pro' : 'plan-free'],
      }, 'u.js', userCode);
      if (i % 1000 === 999) console.error(`search: ${i + 1} scripts in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  await Promise.all([seeder(), seeder(), seeder()]);
  const seedSeconds = (Date.now() - started) / 1000;

  // Traffic to one script in ten, so that logs and analytics have something to read.
  for (let i = 0; i < SCRIPTS; i += 10) {
    const r = await server.request(server.workerPort, 'GET', `/visit-${i}`, { host: `${name(i)}.bench.test` });
    if (r.status !== 200 || r.body !== 'hello') throw new Error(`dispatch to ${name(i)} answered ${r.status}: ${r.body}`);
  }
  const visited = Math.ceil(SCRIPTS / 10);
  // Records are written in batches off the request path: wait until the last one is readable.
  const last = `/visit-${(visited - 1) * 10}`;
  for (let tries = 0; ; tries++) {
    const r = await get(`/workers/observability/invocations?namespace=${NS}&script=${name((visited - 1) * 10)}&limit=1`);
    if (JSON.parse(r).result.some((rec) => rec.request?.path === last)) break;
    if (tries > 400) throw new Error('the last invocation record never became readable');
    await new Promise((res) => setTimeout(res, 50));
  }

  const rows = [];
  async function time(label, call, check) {
    const ms = [];
    for (let run = 0; run < RUNS; run++) {
      const t0 = process.hrtime.bigint();
      const body = await call();
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (run === 0) check(JSON.parse(body));
    }
    ms.sort((a, b) => a - b);
    rows.push(`| ${label} | ${percentile(ms, 0.5).toFixed(1)} | ${ms[ms.length - 1].toFixed(1)} |`);
    console.error(`search: ${label}: p50 ${percentile(ms, 0.5).toFixed(1)} ms`);
  }
  const scriptsOf = (body) => body.result.map((s) => s.id);
  const expect = (what, cond) => {
    if (!cond) throw new Error(`unexpected answer: ${what}`);
  };
  const base = `/workers/dispatch/namespaces/${NS}/scripts`;

  await time('namespaces with script counts', () => get('/workers/dispatch/namespaces'),
    (b) => expect('script count', b.result.find((n) => n.namespace_name === NS)?.script_count === SCRIPTS));
  await time('first page of scripts (50)', () => get(`${base}?page=1&per_page=50`),
    (b) => expect('first page', b.result.length === 50 && b.result_info.total_count === SCRIPTS));
  await time('name prefix search', () => get(`${base}?prefix=${name(4321).slice(0, 9)}&page=1&per_page=50`),
    (b) => expect('prefix', b.result.length === Math.min(10, Math.max(0, SCRIPTS - 4320)) || SCRIPTS < 4330));
  await time('tag search (one customer)', () => get(`${base}?tags=customer-${SCRIPTS - 7}:yes&page=1&per_page=50`),
    (b) => expect('tag', scriptsOf(b).length === 1 && scriptsOf(b)[0] === name(SCRIPTS - 7)));
  await time('tag search (plan, page 3)', () => get(`${base}?tags=plan-pro:yes&page=3&per_page=50`),
    (b) => expect('plan', b.result_info.total_count === Math.ceil(SCRIPTS / 10)));
  await time('deep page (last page of 50)', () => get(`${base}?page=${Math.ceil(SCRIPTS / 50)}&per_page=50`),
    (b) => expect('last page', b.result.length === SCRIPTS - 50 * (Math.ceil(SCRIPTS / 50) - 1)));
  await time("one script's page", async () => {
    const [s] = await Promise.all([get(`${base}/${name(1234 % SCRIPTS)}`),
      get(`${base}/${name(1234 % SCRIPTS)}/settings`), get(`${base}/${name(1234 % SCRIPTS)}/versions`)]);
    return s;
  }, (b) => expect('script', b.success === true));
  await time('newest logs of the namespace (50)', () => get(`/workers/observability/invocations?namespace=${NS}&limit=50`),
    (b) => expect('logs', b.result.length === 50));
  const now = new Date();
  const query = `query { viewer { accounts(filter: {accountTag: "${ACCOUNT}"}) { workersInvocationsAdaptive(limit: 10, `
    + `filter: {datetime_geq: "${new Date(now - 3_600_000).toISOString()}", datetime_leq: "${new Date(+now + 60_000).toISOString()}", `
    + `dispatchNamespaceName: "${NS}"}, orderBy: [sum_requests_DESC]) { sum { requests errors } `
    + 'quantiles { cpuTimeP50 cpuTimeP99 } dimensions { scriptName } } } } }';
  await time('GraphQL: top 10 scripts, last hour', () => post('/client/v4/graphql', { query }),
    (b) => expect('graphql', b.data?.viewer?.accounts?.[0]?.workersInvocationsAdaptive?.length === 10));

  console.log(`## Dashboard calls over ${SCRIPTS.toLocaleString('en')} scripts\n`);
  console.log(`Seeded in ${seedSeconds.toFixed(0)} s (${(SCRIPTS / seedSeconds).toFixed(0)} uploads/s, three at a time); `
    + `${visited} requests through the dispatcher; each call timed ${RUNS} times over HTTP on loopback.\n`);
  console.log('| call | p50 ms | max ms |\n|---|---:|---:|');
  rows.forEach((r) => console.log(r));
} finally {
  await server.stop();
}

async function ok(promise) {
  const r = await promise;
  if (r.status !== 200) throw new Error(`API call failed: ${r.status} ${r.body}`);
  return r.body;
}

function get(urlPath) {
  return ok(server.request(server.apiPort, 'GET', `/client/v4/accounts/${ACCOUNT}${urlPath}`,
    { authorization: `Bearer ${TOKEN}` }));
}

function post(fullPath, json) {
  return ok(server.request(server.apiPort, 'POST', fullPath,
    { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, JSON.stringify(json)));
}
