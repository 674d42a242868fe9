// workerd (the binary wrangler 4.86.0 installs) serving generated service-worker scripts: one
// service per script, the suite's dispatcher (packages/dispatcher.js) in front with a service
// binding per script, outbound traffic to loopback only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from '../../packages/lib/net.mjs';

const str = (s) => JSON.stringify(String(s));

/**
 * workers: [{name, file (absolute)}], all at `date`. Writes the config into runDir and starts
 * workerd on a free port; rejects with workerd's own output when it does not start.
 */
export async function startWorkerd({ binary, runDir, dispatcherFile, workers, date }) {
  const rel = (f) => path.relative(runDir, f);
  const services = [
    '(name = "loopback", network = (allow = ["127.0.0.1/32"]))',
    `(name = "dispatcher", worker = (compatibilityDate = "2025-09-01", modules = [(name = "dispatcher.js", esModule = embed ${str(rel(dispatcherFile))})], `
      + `bindings = [${workers.map((w) => `(name = ${str(`worker:${w.name}`)}, service = ${str(`worker-${w.name}`)})`).join(', ')}]))`,
    ...workers.map((w) => `(name = ${str(`worker-${w.name}`)}, worker = (compatibilityDate = ${str(date)}, `
      + `serviceWorkerScript = embed ${str(rel(w.file))}, globalOutbound = "loopback"))`),
  ];
  const port = await freePort();
  const config = `using Workerd = import "/workerd/workerd.capnp";\n\nconst config :Workerd.Config = (\n  services = [\n    ${services.join(',\n    ')}\n  ],\n`
    + `  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "dispatcher") ],\n);\n`;
  const file = path.join(runDir, 'workerd.capnp');
  fs.writeFileSync(file, config);
  const logFile = path.join(runDir, 'workerd.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(binary, ['serve', file, '--verbose'], { cwd: runDir, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  try {
    await Promise.race([
      waitForPort(port, 120_000),
      exited.then(({ code, signal }) => { throw new Error(`workerd exited (${code ?? signal}) before listening:\n${fs.readFileSync(logFile, 'utf8').slice(0, 4000)}`); }),
    ]);
  } catch (e) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw e;
  }
  return {
    port,
    log: () => fs.readFileSync(logFile, 'utf8'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
