// Runs the runtime's worker-script tests under Node in a bare vm context (no
// Web APIs but those our runtime JS defines). Fast feedback while writing JS;
// the authoritative run is the JUnit suite inside real V8 isolates. Tests that
// reach a host service the harness lacks are counted as skipped.
//
//   node --experimental-vm-modules tools/js-harness.mjs [--stand-ins] [filter]
//
// --stand-ins fills globals our files do not define yet with Node's own;
// HARNESS_TRACE=1 names each test before it runs.
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

// The eager files in one function scope, and each [part] of bootstrap.txt compiled on demand
// as a function of the eager names it uses, as RuntimeScripts.java builds them.
const read = (f) => fs.readFileSync(path.join(jsDir, f), 'utf8');
const eagerFiles = [];
const partFiles = new Map();
let section = eagerFiles;
for (const line of read('bootstrap.txt').split('\n').map((l) => l.trim())) {
  if (!line || line.startsWith('#')) continue;
  const header = /^\[([a-z][a-z0-9-]*)]$/.exec(line);
  if (header) partFiles.set(header[1], (section = []));
  else section.push(line);
}
function declarations(text) {
  const names = new Set();
  for (const m of text.matchAll(/^(?:async\s+)?(?:function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const m of text.matchAll(/^(?:const|let|var)\s*\{([^}]*)}\s*=/gm)) {
    for (const entry of m[1].split(',')) {
      const binding = (entry.includes(':') ? entry.slice(entry.indexOf(':') + 1) : entry).split('=')[0].trim();
      if (binding) names.add(binding);
    }
  }
  return names;
}
const eagerNames = new Set(['host']);
for (const f of eagerFiles) for (const name of declarations(read(f))) eagerNames.add(name);
const parts = new Map();
for (const [name, list] of partFiles) {
  let body = '"use strict";\n' + list.map((f) => `// ---- ${f}\n${read(f)}\n`).join('');
  const own = declarations(body);
  const used = [...new Set(body.match(/[A-Za-z_$][\w$]*/g))].filter((w) => eagerNames.has(w) && !own.has(w)).sort();
  body += `return { ${[...own].join(', ')} };\n`;
  parts.set(name, { body, used });
}
const lazyArguments = 'function lazy_arguments(name) {\n  switch (name) {\n'
  + [...parts].map(([name, p]) => `    case '${name}': return [${p.used.join(', ')}];\n`).join('')
  + '  }\n}\n';

const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: true } });
const timers = new Map();
let entry;
const host = {
  log(level, message) { console.log(`  [${level}] ${message}`); },
  randomBytes(n) { return new context.Uint8Array(crypto.randomBytes(n)).buffer; },
  setTimer(id, delay) {
    timers.set(id, setTimeout(() => { timers.delete(id); entry.fireTimer(Date.now(), id); }, delay));
    return 0;
  },
  clearTimer(id) { clearTimeout(timers.get(id)); timers.delete(id); },
  now() { return Date.now(); },
  memoryGrew() {},
  collectGarbage() { return 0; },
  // WebAssembly memories: the harness tracks none (tenantd's host holds them weakly).
  wasmMemoryMade() { return true; },
  wasmMemoryCount() { return 0; },
  wasmMemoryAt() { return undefined; },
  wasmMemoriesReachable() { return 0; },
  wasmInstanceMade() {},
  takeBody() { return null; },
  memoryExceeded() {},
  loadPart(name) {
    const part = parts.get(name);
    return vm.compileFunction(part.body, part.used, { parsingContext: context, filename: `part-${name}.js` });
  },
};
// Services of the host this harness does not provide (compression, Web Crypto, sockets,
// subrequests...): a test that reaches one is reported as skipped, saying which.
const HOST_MISSING = 'js-harness: no host.';
context.__tenantd_host = new Proxy(host, {
  get(target, name) {
    if (name in target) return target[name];
    return () => { throw new Error(`${HOST_MISSING}${String(name)} here; the JUnit suite runs this test`); };
  },
});
const source = '(function (host) {\n"use strict";\n'
  + eagerFiles.map((f) => `// ---- ${f}\n` + read(f)).join('\n') + '\n' + lazyArguments
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
  // Modules of the platform (node:, cloudflare:) exist only in tenantd's isolates.
  if (file.includes(':')) throw new Error(`${HOST_MISSING}module ${file}`);
  const mod = new vm.SourceTextModule(fs.readFileSync(path.join(testDir, file), 'utf8'),
    { context, identifier: file });
  cache.set(file, mod);
  await mod.link((spec) => load(spec.startsWith('./') ? path.basename(spec) : spec));
  return mod;
}
const missing = (e) => String(e && e.message).includes(HOST_MISSING);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of testFiles) {
  let mod;
  try {
    mod = await load(file);
    await mod.evaluate();
  } catch (e) {
    if (!missing(e)) throw e;
    console.log(`SKIP ${file}: ${e.message}`);
    continue;
  }
  for (const [name, fn] of Object.entries(mod.namespace)) {
    if (typeof fn !== 'function') continue;
    if (process.env.HARNESS_TRACE) console.log(`RUN ${file} ${name}`);
    try {
      await fn();
      passed++;
    } catch (e) {
      if (missing(e)) {
        skipped++;
        continue;
      }
      failed++;
      console.log(`FAIL ${file} ${name}: ${e && e.stack || e}`);
    }
  }
}
for (const t of timers.values()) clearTimeout(t);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped (they need a service of tenantd's host)`);
process.exitCode = failed ? 1 : 0;
