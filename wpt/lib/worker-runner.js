// The part of every generated test worker that is ours (wpt/lib/bundle.mjs puts it in front of
// WPT's testharness.js, the META scripts and the test file). It is a service-worker script, so
// the test code runs as the classic (sloppy-mode) script it was written as. Each request runs
// the whole file once and answers with a JSON report of its subtests; a subtest still running
// when the file's time is up is reported as TIMEOUT, so one hanging subtest does not hide the
// others.
/* global __WPT, __wptBody */

addEventListener('fetch', (event) => { event.respondWith(__wptRun()); });

// testharness.js picks its environment by the global's class; a worker on these runtimes is
// none of the browser kinds it knows, and would be taken for a service worker waiting for an
// install event that never comes. With these names hidden while the harness loads, it uses its
// shell environment: no implicit timeouts, tests start at once.
const __WPT_HIDDEN = ['ServiceWorkerGlobalScope', 'WorkerGlobalScope', 'DedicatedWorkerGlobalScope', 'SharedWorkerGlobalScope'];

const __WPT_STATUS = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
const __WPT_HARNESS_STATUS = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];

function __wptShort(s) {
  const text = String(s ?? '');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

async function __wptRun() {
  const seen = [];
  let finished;
  const completion = new Promise((resolve) => { finished = resolve; });
  const hidden = [];
  let loadError = null;

  // Only the files the test names are served, from the copy of the tests the bundle carries;
  // anything else on the test's own origin is not available here (no WPT server).
  const base = new URL(`https://wpt.invalid/${__WPT.path}`);
  const localFetch = (input, init) => {
    if (typeof input === 'string' || input instanceof URL) {
      const url = new URL(String(input), base);
      if (url.protocol === 'data:' || url.origin !== base.origin) return fetch(input, init);
      const body = __WPT.resources[url.pathname.slice(1)];
      if (body === undefined) return Promise.reject(new TypeError(`wpt runner: ${url.pathname} is not served (no WPT server)`));
      const type = url.pathname.endsWith('.json') ? 'application/json' : 'text/plain;charset=UTF-8';
      return Promise.resolve(new Response(body, { headers: { 'content-type': type } }));
    }
    return fetch(input, init);
  };

  globalThis.GLOBAL = { isWindow: () => false, isWorker: () => true, isShadowRealm: () => false };
  if (__WPT.title) globalThis.META_TITLE = __WPT.title;

  globalThis.__wptHarnessReady = () => {
    for (const [name, descriptor] of hidden) Object.defineProperty(globalThis, name, descriptor);
    add_test_state_callback((test) => { if (!seen.includes(test)) seen.push(test); });
    add_completion_callback((tests, status) => finished({ tests, status }));
  };
  for (const name of __WPT_HIDDEN) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    if (descriptor && descriptor.configurable) { hidden.push([name, descriptor]); delete globalThis[name]; }
  }

  try {
    __wptBody.call(globalThis, new URL(`https://wpt.invalid/${__WPT.path}${__WPT.variant}`), localFetch);
  } catch (e) {
    loadError = `${e && e.name ? e.name : 'Error'}: ${e && e.message !== undefined ? e.message : e}`;
    // Subtests made before the exception still run to their end; done() lets the harness finish
    // once they have (a file that uses explicit_done may never call it now).
    try { if (typeof globalThis.done === 'function') globalThis.done(); } catch { /* the harness may not be loaded */ }
  }

  let timer;
  const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve(null), __WPT.timeoutMs); });
  const outcome = await Promise.race([completion, timedOut]);
  clearTimeout(timer);

  const tests = (outcome ? outcome.tests : seen).map((t) => {
    const complete = outcome || t.phase === t.phases.COMPLETE;
    return {
      name: String(t.name),
      status: complete ? __WPT_STATUS[t.status] ?? String(t.status) : 'TIMEOUT',
      message: complete ? __wptShort(t.message) : `still running after ${__WPT.timeoutMs / 1000} s`,
    };
  });
  const harness = outcome
    ? { status: __WPT_HARNESS_STATUS[outcome.status.status] ?? String(outcome.status.status), message: __wptShort(outcome.status.message) }
    : { status: 'TIMEOUT', message: `the file did not finish within ${__WPT.timeoutMs / 1000} s` };
  if (loadError) harness.loadError = __wptShort(loadError);
  return new Response(JSON.stringify({ harness, tests }), { headers: { 'content-type': 'application/json' } });
}
