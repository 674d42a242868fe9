// workerd (the binary wrangler 4.86.0 installs) serving the same bundles: one service per
// worker, the suite's dispatcher in front with a service binding per worker, and outbound
// traffic allowed to loopback only (the local origin and PostgreSQL).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './net.mjs';

const str = (s) => JSON.stringify(String(s));

function workerConfig({ date, flags, modules, bindings, outbound }) {
  const mods = modules.map((m) => `(name = ${str(m.name)}, ${m.wasm ? 'wasm' : 'esModule'} = embed ${str(m.file)})`).join(', ');
  const binds = bindings.map((b) => (b.service ? `(name = ${str(b.name)}, service = ${str(b.service)})` : `(name = ${str(b.name)}, text = ${str(b.text)})`)).join(', ');
  return `(compatibilityDate = ${str(date)}, compatibilityFlags = [${flags.map(str).join(', ')}], modules = [${mods}], `
    + `bindings = [${binds}]${outbound ? `, globalOutbound = ${str(outbound)}` : ''})`;
}

/**
 * bundles: [{name, dir, date, flags, modules: [{name, file (relative to dir)}]}]; env: text
 * bindings per worker name. Writes the config into runDir and starts workerd on a free port.
 */
export async function startWorkerd({ binary, runDir, dispatcherFile, bundles, env }) {
  const services = [
    `(name = "loopback", network = (allow = ["127.0.0.1/32"]))`,
    `(name = "dispatcher", worker = ${workerConfig({
      date: '2025-09-01', flags: [],
      modules: [{ name: 'dispatcher.js', file: path.relative(runDir, dispatcherFile) }],
      bindings: bundles.map((b) => ({ name: `worker:${b.name}`, service: `worker-${b.name}` })),
    })})`,
    ...bundles.map((b) => `(name = ${str(`worker-${b.name}`)}, worker = ${workerConfig({
      date: b.date, flags: b.flags, outbound: 'loopback',
      modules: b.modules.map((m) => ({ name: m.name, wasm: m.wasm, file: path.relative(runDir, path.join(b.dir, m.name)) })),
      bindings: Object.entries(env[b.name] ?? {}).map(([name, text]) => ({ name, text })),
    })})`),
  ];
  const port = await freePort();
  const config = `using Workerd = import "/workerd/workerd.capnp";\n\nconst config :Workerd.Config = (\n  services = [\n    ${services.join(',\n    ')}\n  ],\n`
    + `  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "dispatcher") ],\n);\n`;
  const file = path.join(runDir, 'workerd.capnp');
  fs.writeFileSync(file, config);
  const logFile = path.join(runDir, 'workerd.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(binary, ['serve', file, '--verbose'], { cwd: runDir, stdio: ['ignore', out, out] });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  await Promise.race([
    waitForPort(port, 60_000),
    exited.then(({ code, signal }) => { throw new Error(`workerd exited (${code ?? signal}) before listening:\n${fs.readFileSync(logFile, 'utf8')}`); }),
  ]);
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
