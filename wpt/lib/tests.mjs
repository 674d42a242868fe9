// Finds the test files of each suite in a local copy of the web-platform-tests, decides which of
// them can run inside a worker (and says why not for the others), and builds one service-worker
// script per file and variant: our runner, WPT's own testharness.js, the file's META scripts and
// the file itself, with the data files it loads by name.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const SUITES = ['encoding', 'url', 'fetch/api/headers', 'fetch/api/request', 'fetch/api/response', 'dom/abort',
  'streams', 'compression', 'FileAPI', 'WebCryptoAPI', 'urlpattern', 'html/webappapis/structured-clone', 'html/webappapis/atob',
  'xhr/formdata'];

// `.window.js` files whose tests, or most of them, use nothing of a window: they load a data
// file and exercise URL.
const WORKER_SAFE_WINDOW_TESTS = new Set(['url/IdnaTestV2.window.js', 'url/IdnaTestV2-removed.window.js', 'url/toascii.window.js']);

/** Subtests of those files that do need a DOM: not counted, and reported as skipped. */
export const DOM_SUBTESTS = { 'url/toascii.window.js': /\(using <(a|area)>/ };

// Folders that hold helpers and server-side files rather than tests.
const HELPER_DIRS = new Set(['resources', 'support', 'crashtests', 'tools', 'multi-globals']);

// Signs, in a test or a META script next to it, that it talks to the WPT server: its Python
// handlers, its template substitution, the page's own origin, or XHR.
const SERVER_SIGNS = [
  [/\.py\b/, 'a WPT server handler (.py)'],
  [/\{\{/, 'WPT server substitution ({{...}})'],
  [/get_host_info/, 'the WPT server\'s hosts (get_host_info)'],
  [/location\.(origin|href|host)/, 'the page\'s own origin (location)'],
  [/XMLHttpRequest/, 'XMLHttpRequest'],
  [/RESOURCES_DIR\s*\+/, 'files under fetch/api/resources on the WPT server'],
];

// Shared helpers that always talk to the WPT server, whichever test includes them (the check
// above reads only the helpers of the test's own folder).
const SERVER_HELPERS = {
  'FileAPI/support/send-file-formdata-helper.js': 'a WPT server handler (fetch/api/resources/echo-content.py)',
};

// Web APIs that no Workers runtime has (neither workerd nor tenantd): a test file that exercises
// one itself fails on both, and tells nothing about the difference between them.
const NOT_IN_WORKERS = [
  [/\bFileReader\b/, 'FileReader'],
];

// Data files a test fetches that are not text (compression's tests compress a video file): they
// travel base64-encoded and are served as bytes.
const BINARY_DATA = new Set(['webm']);

const WORKER_GLOBALS = new Set(['worker', 'dedicatedworker', 'serviceworker', 'sharedworker']);

function walk(dir, rel) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!HELPER_DIRS.has(e.name)) out.push(...walk(path.join(dir, e.name), `${rel}/${e.name}`));
    } else out.push(`${rel}/${e.name}`);
  }
  return out;
}

export function parseMeta(source) {
  const meta = { scripts: [], variants: [], global: null, timeout: 'normal', title: null };
  for (const line of source.split('\n')) {
    const m = /^\/\/\s*META:\s*(\w+)=(.*)$/.exec(line.trim());
    if (!m) {
      if (line.trim() === '' || line.trim().startsWith('//')) continue;
      break;
    }
    const [, key, value] = m;
    if (key === 'script') meta.scripts.push(value.trim());
    else if (key === 'variant') meta.variants.push(value.trim());
    else if (key === 'global') meta.global = value.split(',').map((s) => s.trim());
    else if (key === 'timeout') meta.timeout = value.trim();
    else if (key === 'title') meta.title = value.trim();
  }
  return meta;
}

/** `ref` as written in a test in `testPath` (a script or a data file), as a path from the WPT root. */
function resolveRef(testPath, ref) {
  const url = new URL(ref, `https://wpt.invalid/${testPath}`);
  // A name with a bare % (FileAPI's "…-PERCENT-SIGN-[%].txt", a file name the test makes up) is
  // not percent-encoded: it stays as written.
  try { return decodeURIComponent(url.pathname.slice(1)); } catch { return url.pathname.slice(1); }
}

/**
 * Every test file under the suites: {suite, path, skip?} for the ones that cannot run in a
 * worker, {suite, path, meta, scripts, resources, variants} for the others.
 */
export function discover(wptDir, suites) {
  const files = [];
  for (const suite of suites) {
    const dir = path.join(wptDir, suite);
    if (!fs.existsSync(dir)) { files.push({ suite, path: suite, skip: `the folder ${suite} is not in WPT_DIR` }); continue; }
    for (const rel of walk(dir, suite).sort()) {
      const entry = classify(wptDir, suite, rel);
      if (entry) files.push(entry);
    }
  }
  return files;
}

function classify(wptDir, suite, rel) {
  const name = path.basename(rel);
  if (/\.(html?|xhtml|svg)$/.test(name)) return { suite, path: rel, skip: 'an HTML document: needs a window and a DOM' };
  if (/\.(shared)?worker\.js$/.test(name)) return { suite, path: rel, skip: 'a dedicated/shared worker test: needs importScripts() and postMessage to a page' };
  if (name.endsWith('.window.js') && !WORKER_SAFE_WINDOW_TESTS.has(rel)) return { suite, path: rel, skip: 'a .window.js test: needs a window and a DOM' };
  if (!name.endsWith('.any.js') && !name.endsWith('.window.js')) return null; // helpers, headers files, metadata
  const source = fs.readFileSync(path.join(wptDir, rel), 'utf8');
  const meta = parseMeta(source);
  if (name.endsWith('.any.js') && meta.global && !meta.global.some((g) => WORKER_GLOBALS.has(g))) {
    return { suite, path: rel, skip: `not made for workers (META: global=${meta.global.join(',')})` };
  }
  if (name.includes('.sub.')) return { suite, path: rel, skip: 'needs the WPT server (.sub. substitution)' };
  const scripts = [];
  for (const ref of meta.scripts) {
    const p = resolveRef(rel, ref);
    if (/\.sub\.js$/.test(p)) return { suite, path: rel, skip: `needs the WPT server (META script ${ref})` };
    if (!fs.existsSync(path.join(wptDir, p))) return { suite, path: rel, skip: `META script ${ref} is not in WPT_DIR` };
    scripts.push({ path: p, source: fs.readFileSync(path.join(wptDir, p), 'utf8') });
  }
  // The test itself and the META scripts of its own folder; shared helpers (fetch/api/resources/
  // utils.js, common/*) mention server paths that only some tests use.
  // A helper that makes XHRs (encoding/resources/decoding-helpers.js) is there for the test to use.
  const own = [source, ...scripts.filter((s) => path.dirname(s.path) === path.dirname(rel)).map((s) => s.source)].join('\n');
  const all = [source, ...scripts.map((s) => s.source)].join('\n');
  for (const [re, api] of NOT_IN_WORKERS) {
    if (re.test(source)) return { suite, path: rel, skip: `tests ${api}, which Workers runtimes do not have (workerd neither)` };
  }
  const helper = scripts.find((s) => SERVER_HELPERS[s.path]);
  if (helper) return { suite, path: rel, skip: `needs the WPT server: ${helper.path} uses ${SERVER_HELPERS[helper.path]}` };
  for (const [re, what] of SERVER_SIGNS) {
    if (re.test(what === 'XMLHttpRequest' ? all : own)) return { suite, path: rel, skip: `needs the WPT server: uses ${what}` };
  }
  const resources = {};
  const binaryResources = {};
  for (const text of [source, ...scripts.map((s) => s.source)]) {
    for (const [, ref, ext] of text.matchAll(/["'`]([^"'`\s$]+\.(json|txt|vtt|webm))["'`]/g)) {
      const p = resolveRef(rel, ref);
      const file = path.join(wptDir, p);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) continue;
      if (BINARY_DATA.has(ext)) binaryResources[p] = fs.readFileSync(file).toString('base64');
      else resources[p] = fs.readFileSync(file, 'utf8');
    }
  }
  return { suite, path: rel, source, meta, scripts, resources, binaryResources, variants: meta.variants.length ? meta.variants : [''] };
}

/** The service-worker script that runs `file` with `variant` and answers with its results. */
export function workerScript(wptDir, file, variant, timeoutMs) {
  const harness = fs.readFileSync(path.join(wptDir, 'resources', 'testharness.js'), 'utf8');
  const runner = fs.readFileSync(path.join(here, 'worker-runner.js'), 'utf8');
  const config = { path: file.path, variant, timeoutMs, title: file.meta.title, resources: file.resources };
  const part = (label, text) => `\n// ---- ${label}\n${text}\n;\n`;
  return [
    `// web-platform-tests ${file.path}${variant}, generated by wpt/run.mjs\n`,
    `const __WPT = ${JSON.stringify(config)};\n`,
    // A fresh copy for every fetch: a runtime may detach a body's buffer once it is read.
    ...Object.entries(file.binaryResources).map(([p, b64]) => `Object.defineProperty(__WPT.resources, ${JSON.stringify(p)}, `
      + `{ enumerable: true, get: ((b) => () => Uint8Array.from(b, (c) => c.charCodeAt(0)))(atob(${JSON.stringify(b64)})) });\n`),
    runner,
    // One function holds WPT's code so that the test's own location and fetch() are in scope
    // for it; inside it the files run in order, as the scripts of one worker would.
    'function __wptBody(location, fetch) {',
    part('resources/testharness.js', harness),
    '__wptHarnessReady();\n',
    ...file.scripts.map((s) => part(s.path, s.source)),
    part(file.path, file.source),
    '}\n',
  ].join('');
}
