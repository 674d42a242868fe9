// Shared harness for the compatibility suite: a fresh tenantd per test file, the real
// wrangler CLI as a child process, and small HTTP helpers for the API and the worker port.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const compatDir = path.resolve(here, '..');
export const repoDir = path.resolve(compatDir, '..');
export const modulesDir = process.env.TENANTD_COMPAT_MODULES ?? path.join(compatDir, '.cache', 'node_modules');
export const wranglerBin = path.join(modulesDir, 'wrangler', 'bin', 'wrangler.js');

export const ACCOUNT = 'compat-account';
export const TOKEN = 'compat-token-0123456789';

/** Host suffix routed to the dispatch worker: `<user-script>.tenants.test` reaches that user worker. */
export const TENANT_SUFFIX = 'tenants.test';
export const DISPATCHER = 'dispatcher';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s) => typeof s === 'string' && UUID.test(s);

const tempDirs = [];
process.once('exit', () => { for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true }); });

/** A temp directory removed when the process exits. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tenantd-compat-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/**
 * Starts tenantd on random loopback ports with a temp data dir, the known account and token,
 * and `*.tenants.test` routed to the dispatch worker. Resolves once both listeners are up.
 * `extraArgs` go to `tenantd serve` as they are (e.g. `['--config', file]`).
 */
export async function startTenantd({ routes = [`*.${TENANT_SUFFIX}/*=${DISPATCHER}`], extraArgs = [] } = {}) {
  const dataDir = tempDir('data');
  const args = ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0',
    '--account-id', ACCOUNT, '--api-token', TOKEN, ...routes.flatMap((r) => ['--route', r]), ...extraArgs];
  const child = spawn(path.join(repoDir, 'tenantd'), args, {
    cwd: repoDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TENANTD_API_TOKEN: TOKEN },
  });
  let log = '';
  const onData = (d) => { log += d; };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tenantd did not start within 90 s:\n${log}`)), 90_000);
    const check = () => {
      // Whole lines only: output arrives in chunks, and a URL cut short would name the wrong port.
      const workers = log.match(/workers:\s+(http:\/\/\S+)\r?\n/);
      const api = log.match(/API:\s+(http:\/\/\S+)\r?\n/);
      if (workers && api) { clearTimeout(timer); resolve({ workers: workers[1], api: api[1].replace(/\/$/, '') }); }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tenantd exited with ${code} before it was ready:\n${log}`)); });
  });
  const workersUrl = new URL(ready.workers);
  const server = {
    apiBase: ready.api, // http://127.0.0.1:PORT/client/v4
    workerPort: Number(workersUrl.port),
    dataDir,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(forced);
    },
  };
  return server;
}

/** Calls the v4 API. `path` is relative to /client/v4 and may use `A/` for `/accounts/ACCOUNT/`. */
export async function api(server, method, apiPath, { json, body, headers = {}, token = TOKEN } = {}) {
  const url = server.apiBase + apiPath.replace(/^A\//, `/accounts/${ACCOUNT}/`);
  const h = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers };
  let payload = body;
  if (json !== undefined) { payload = JSON.stringify(json); h['content-type'] ??= 'application/json'; }
  const res = await fetch(url, { method, headers: h, body: payload });
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch { data = undefined; }
  return { status: res.status, headers: res.headers, text, json: data };
}

/** Builds a multipart upload in the shape wrangler sends: a `metadata` field plus one part per module. */
export function workerForm(metadata, modules) {
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadata));
  for (const [name, content, type = 'application/javascript+module'] of modules) {
    form.append(name, new Blob([content], { type }), name);
  }
  return form;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** GET (or other method) on the worker port with the given Host header. */
export function hit(server, host, pathAndQuery = '/', { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.workerPort, path: pathAndQuery, method, agent,
      headers: { host, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`request to ${host}${pathAndQuery} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls `fn` until it returns a truthy value or the time runs out; returns the last value. */
export async function eventually(fn, { timeoutMs = 5000, intervalMs = 100 } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last || Date.now() > end) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Writes a project directory: `files` maps relative paths to contents. */
export function project(files) {
  const dir = tempDir('project');
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** The environment wrangler runs with: pointed at tenantd, isolated from the user's config, quiet. */
export function wranglerEnv(server, extra = {}) {
  const home = tempDir('home');
  const env = {};
  for (const k of ['PATH', 'LANG', 'SYSTEMROOT']) if (process.env[k]) env[k] = process.env[k];
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    TMPDIR: home,
    WRANGLER_LOG_PATH: path.join(home, 'logs'),
    CLOUDFLARE_API_BASE_URL: server.apiBase,
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    // wrangler asks the npm registry for a newer version on every command; keep that on loopback.
    npm_config_registry: 'http://127.0.0.1:9/',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: '1',
    ...extra,
  };
}

/**
 * Runs wrangler with `args` in `cwd`. Resolves `{code, stdout, stderr, output}` (output = both,
 * without ANSI escapes); never rejects on a non-zero exit, so tests assert the code themselves.
 */
export function wrangler(server, args, { cwd, input, env = {}, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wranglerBin, ...args], {
      cwd: cwd ?? tempDir('cwd'), env: wranglerEnv(server, env), stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout: strip(stdout), stderr: strip(stderr),
        output: strip(stdout + '\n' + stderr) });
    });
    child.stdin.end(input ?? '');
  });
}

/** Starts a long-running wrangler command (e.g. `tail`); the caller stops it. */
export function wranglerProcess(server, args, { cwd, env = {} } = {}) {
  const child = spawn(process.execPath, [wranglerBin, ...args], {
    cwd: cwd ?? tempDir('cwd'), env: wranglerEnv(server, env), stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => { out.stdout += d; });
  child.stderr.on('data', (d) => { out.stderr += d; });
  const closed = new Promise((r) => child.once('close', (code, signal) => r({ code, signal })));
  return { child, out, closed };
}

/** Formats a wrangler result for assertion messages. */
export function show(r) {
  const strip = (s) => String(s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
  return `exit ${r.code}\n--- stdout\n${strip(r.stdout)}\n--- stderr\n${strip(r.stderr)}`;
}

/** Asserts a JSON error envelope: success false, a non-empty errors array of {code, message}. */
export function isErrorEnvelope(res) {
  const j = res.json;
  return !!j && j.success === false && Array.isArray(j.errors) && j.errors.length > 0
    && j.errors.every((e) => typeof e.code === 'number' && typeof e.message === 'string');
}

/** The dispatch worker used throughout: picks the user worker by `x-tenant`, else by the first label of the host. */
export function dispatcherSource(label = 'v1') {
  return `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/_dispatcher/version') return new Response(${JSON.stringify(label)});
    if (url.pathname === '/_dispatcher/secret') return new Response(env.ADMIN_TOKEN ?? 'unset');
    const name = request.headers.get('x-tenant') ?? url.hostname.split('.')[0];
    try {
      const res = await env.DISPATCHER.get(name).fetch(request);
      const out = new Response(res.body, res);
      out.headers.set('x-dispatcher', ${JSON.stringify(label)});
      return out;
    } catch (e) {
      if (String(e.message).startsWith('Worker not found')) {
        return new Response('no such tenant: ' + name, { status: 404, headers: { 'x-dispatcher': ${JSON.stringify(label)} } });
      }
      return new Response('dispatch failed: ' + e.message, { status: 502 });
    }
  },
};
`;
}

/** Uploads the dispatch worker through the API (plain worker with a dispatch_namespace binding). */
export async function uploadDispatcher(server, namespace, label = 'v1') {
  const form = workerForm({
    main_module: 'dispatcher.mjs', compatibility_date: '2025-01-01',
    bindings: [{ type: 'dispatch_namespace', name: 'DISPATCHER', namespace }],
  }, [['dispatcher.mjs', dispatcherSource(label)]]);
  return api(server, 'PUT', `A/workers/scripts/${DISPATCHER}`, { body: form });
}

/** Splits concatenated pretty-printed JSON documents (what `wrangler tail --format json` prints). */
export function parseJsonStream(text) {
  const docs = [];
  let depth = 0; let start = -1; let inString = false; let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') { if (depth > 0) inString = true; continue; }
    if (c === '{') { if (depth === 0) start = i; depth++; }
    else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) { try { docs.push(JSON.parse(text.slice(start, i + 1))); } catch { /* not JSON */ } }
    }
  }
  return docs;
}
