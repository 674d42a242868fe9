// Runs the runtime's worker-script tests under Node in a bare vm context (no
// Web APIs but those our runtime JS defines). Fast feedback while writing JS;
// the authoritative run is the JUnit suite inside real V8 isolates.
//
//   node --experimental-vm-modules tools/js-harness.mjs [--stand-ins] [filter]
//
// --stand-ins fills globals our files do not define yet with Node's own.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jsDir = path.join(root, 'tenantd-runtime/src/main/resources/dev/tenantd/runtime/js');
const testDir = path.join(root, 'tenantd-runtime/src/test/resources/js-tests');
const args = process.argv.slice(2);
const standIns = args.includes('--stand-ins');
const filter = args.find((a) => !a.startsWith('--'));

const files = fs.readFileSync(path.join(jsDir, 'bootstrap.txt'), 'utf8')
  .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  .filter((f) => fs.existsSync(path.join(jsDir, f)));

const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: true } });
const timers = new Map();
let entry;
const host = {
  log(level, message) { console.log(`  [${level}] ${message}`); },
  randomBytes(n) { return new context.Uint8Array(crypto.randomBytes(n)); },
  setTimer(id, delay) {
    timers.set(id, setTimeout(() => { timers.delete(id); entry.fireTimer(Date.now(), 0, id); }, delay));
  },
  clearTimer(id) { clearTimeout(timers.get(id)); timers.delete(id); },
  now() { return Date.now(); },
  memoryGrew() {},
  collectGarbage() { return 0; },
  takeBody() { return null; },
  memoryExceeded() {},
};
context.__tenantd_host = host;
const source = '(function (host) {\n"use strict";\n'
  + files.map((f) => `// ---- ${f}\n` + fs.readFileSync(path.join(jsDir, f), 'utf8')).join('\n')
  + '\nreturn typeof entryPoints === "undefined" ? {} : entryPoints;\n})(globalThis.__tenantd_host)';
entry = vm.runInContext(source, context, { filename: 'bootstrap.js' });
vm.runInContext('delete globalThis.__tenantd_host', context);

if (standIns) {
  const names = ['URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'atob', 'btoa',
    'DOMException', 'Event', 'EventTarget', 'AbortController', 'AbortSignal', 'structuredClone',
    'Blob', 'File', 'ReadableStream', 'ReadableStreamDefaultReader', 'WritableStream',
    'TransformStream', 'Headers', 'FormData', 'Request', 'Response', 'setTimeout', 'clearTimeout',
    'setInterval', 'clearInterval', 'queueMicrotask', 'console', 'crypto'];
  for (const name of names) {
    if (!(name in context)) context[name] = globalThis[name];
  }
}

const testFiles = fs.readdirSync(testDir).filter((f) => f.endsWith('-test.js'))
  .filter((f) => !filter || f.includes(filter));
const cache = new Map();
async function load(file) {
  if (cache.has(file)) return cache.get(file);
  const mod = new vm.SourceTextModule(fs.readFileSync(path.join(testDir, file), 'utf8'),
    { context, identifier: file });
  cache.set(file, mod);
  await mod.link((spec) => load(path.basename(spec)));
  return mod;
}
let passed = 0;
let failed = 0;
for (const file of testFiles) {
  const mod = await load(file);
  await mod.evaluate();
  for (const [name, fn] of Object.entries(mod.namespace)) {
    if (typeof fn !== 'function') continue;
    try {
      await fn();
      passed++;
    } catch (e) {
      failed++;
      console.log(`FAIL ${file} ${name}: ${e && e.stack || e}`);
    }
  }
}
for (const t of timers.values()) clearTimeout(t);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
