// A tenantd of its own for a benchmark script (fairness.mjs, hostile.mjs): started on
// random loopback ports with a fresh data directory, and the calls those scripts make.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tenantdJvmOptions, tenantdServeArgs } from './jvm.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

// Starts tenantd: `build` (a directory holding tenantd-server.jar and its lib/; by default the
// build bench/run.sh measures, BENCH_TENANTD), or ./tenantd when there is none. `extraArgs` go after `serve`; `stderr` is where
// the server's log goes ('inherit' or a file descriptor).
export function startTenantd({ name, account, token, route, extraArgs = [], stderr = 'inherit', agentSockets = 64,
  build = process.env.BENCH_TENANTD }) {
  // Below Linux's ephemeral range (32768-60999), which outgoing connections draw from: a port
  // there can be held by some client's connection at the moment the server binds it.
  const workerPort = 10000 + 2 * Math.floor(Math.random() * 6000);
  const apiPort = workerPort + 1;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tenantd-${name}-`));
  const command = build
    ? [process.env.BENCH_JAVA || 'java', [...tenantdJvmOptions(), '-jar', path.join(build, 'tenantd-server.jar')]]
    : [path.join(root, 'tenantd'), []];
  const spawnServer = () => spawn(command[0], [...command[1], 'serve', '--data-dir', path.join(dataDir, 'data'),
    '--listen', `127.0.0.1:${workerPort}`, '--api-listen', `127.0.0.1:${apiPort}`,
    '--account-id', account, '--api-token', token, '--route', route, ...extraArgs, ...tenantdServeArgs()],
  { stdio: ['ignore', 'ignore', typeof stderr === 'function' ? stderr(dataDir) : stderr] });
  let proc = spawnServer();
  let agent = new http.Agent({ keepAlive: true, maxSockets: agentSockets });

  function request(port, method, urlPath, headers, body) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }

  const server = {
    proc, workerPort, apiPort, dataDir, request,
    // Stops the server (SIGTERM, waiting for it to exit) and starts it again on the same data
    // directory and ports: nothing of the old process is left in memory.
    async restart() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: agentSockets });
      proc = spawnServer();
      server.proc = proc;
      await server.waitHealthy();
    },
    async waitHealthy() {
      for (let i = 0; i < 600; i++) {
        try {
          if ((await request(apiPort, 'GET', '/healthz', {})).status === 200) return;
        } catch { /* not up yet */ }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('tenantd did not become healthy');
    },
    // The API call of this account at `urlPath`, with a JSON body.
    async api(method, urlPath, json) {
      return request(apiPort, method, `/client/v4/accounts/${account}${urlPath}`,
        { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, JSON.stringify(json));
    },
    // Uploads one ES module named `name` with `metadata` (multipart, as wrangler sends it).
    async upload(urlPath, metadata, name, code) {
      const boundary = 'bench' + Math.random().toString(16).slice(2);
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n`
        + `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\nContent-Type: application/javascript+module\r\n\r\n${code}\r\n--${boundary}--\r\n`;
      const r = await request(apiPort, 'PUT', `/client/v4/accounts/${account}${urlPath}`,
        { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, body);
      if (r.status !== 200) throw new Error(`upload ${urlPath} failed: ${r.body}`);
    },
    // A value of the server's Prometheus metrics (GET /metrics on the API port, with the
    // operator's token): the sum over the series of that name, NaN when there is none.
    async metric(name) {
      const r = await request(apiPort, 'GET', '/metrics', { authorization: `Bearer ${token}` });
      if (r.status !== 200) throw new Error(`GET /metrics answered ${r.status}: ${r.body.slice(0, 200)}`);
      const values = r.body.split('\n').filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
        .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
      return values.length === 0 ? NaN : values.reduce((x, y) => x + y, 0);
    },
    rssBytes() {
      return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]) * 1024;
    },
    async stop() {
      proc.kill('SIGTERM');
      agent.destroy();
      await new Promise((r) => setTimeout(r, 500));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
