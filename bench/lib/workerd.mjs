// workerd for the benchmark scripts that run it beside tenantd (stream.mjs, realsize.mjs):
// the binary bench/run.sh installs (or BENCH_WORKERD), started on a random loopback port.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function findWorkerd() {
  const candidates = [process.env.BENCH_WORKERD,
    path.join(BENCH, '.cache/workerd/node_modules/@cloudflare/workerd-linux-64/bin/workerd'),
    path.join(BENCH, '.cache/workerd/node_modules/workerd/bin/workerd')];
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) throw new Error('no workerd: run bash bench/run.sh --quick once (it installs it), or set BENCH_WORKERD');
  return found;
}

// Serves bench/workerd/<capnp>; resolves with {proc, port} once it answers.
export function startWorkerd(capnp, { experimental = false } = {}) {
  return new Promise((resolve, reject) => {
    // Below the ephemeral range, and apart from the ports lib/server.mjs gives tenantd (10000-21999).
    const port = 22000 + Math.floor(Math.random() * 10000);
    const proc = spawn(findWorkerd(), ['serve', path.join(BENCH, 'workerd', capnp), '--socket-addr', `http=127.0.0.1:${port}`,
      ...(experimental ? ['--experimental'] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
    const deadline = Date.now() + 30_000;
    const probe = () => http.get({ host: '127.0.0.1', port, path: '/__ready' }, (res) => { res.resume(); resolve({ proc, port }); })
      .on('error', () => (Date.now() > deadline ? reject(new Error('workerd did not start')) : setTimeout(probe, 200)));
    probe();
  });
}
