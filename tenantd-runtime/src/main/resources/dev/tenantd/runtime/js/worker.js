// The worker glue: builds env from bindings, finds the fetch handler (ES module
// default export or service-worker listeners), and runs invocations. Java calls
// only the functions in `entryPoints`; every result goes back in one host call.

let worker_flags = {};
let worker_format = 'modules';
let worker_env = {};
let worker_handler = null;
const worker_fetchListeners = [];

function worker_bindingValue(binding) {
  switch (binding.type) {
    case 'text':
    case 'json':
      return binding.value;
    case 'dispatch':
      return new DispatchNamespace(binding.name);
    case 'service':
      return fetch_serviceBinding(binding.name);
    default:
      throw new TypeError(`unknown binding type ${binding.type}`);
  }
}

class ExecutionContext {
  #pending;

  constructor(pending) {
    this.#pending = pending;
  }

  waitUntil(promise) {
    requireArguments(arguments.length, 1, "Failed to execute 'waitUntil' on 'ExecutionContext'");
    this.#pending.waitUntil.push(Promise.resolve(promise).catch((error) => reportError(error)));
  }

  passThroughOnException() {
    this.#pending.passThrough = true;
  }

  get props() {
    return {};
  }
}
webIdlClass(ExecutionContext);

class FetchEvent extends Event {
  #request;
  #pending;

  constructor(type, init) {
    super(type, { cancelable: true });
    this.#request = init.request;
    this.#pending = init.pending;
  }

  get request() {
    return this.#request;
  }

  respondWith(response) {
    if (this.#pending.responded) {
      throw domException('FetchEvent.respondWith() has already been called.', 'InvalidStateError');
    }
    this.#pending.responded = true;
    this.#pending.response = response;
    this.preventDefault();
  }

  waitUntil(promise) {
    this.#pending.waitUntil.push(Promise.resolve(promise).catch((error) => reportError(error)));
  }

  passThroughOnException() {
    this.#pending.passThrough = true;
  }
}
webIdlClass(FetchEvent);
defineGlobal('FetchEvent', FetchEvent);
defineGlobal('ExecutionContext', ExecutionContext);

defineGlobal('self', globalThis);
defineGlobal('navigator', Object.freeze({ userAgent: 'Cloudflare-Workers', hardwareConcurrency: 1 }));

// Service-worker syntax registers its handler on the global scope.
defineGlobal('addEventListener', function addEventListener(type, listener) {
  if (type === 'fetch' && (typeof listener === 'function' || (listener && typeof listener.handleEvent === 'function'))) {
    worker_fetchListeners.push(listener);
  }
});
defineGlobal('removeEventListener', function removeEventListener(type, listener) {
  const at = worker_fetchListeners.indexOf(listener);
  if (type === 'fetch' && at >= 0) worker_fetchListeners.splice(at, 1);
});

function worker_errorParts(error) {
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
    const name = String(error.name ?? 'Error');
    const message = String(error.message ?? '');
    return { name, message, stack: String(error.stack ?? `${name}: ${message}`) };
  }
  const text = String(error);
  return { name: 'Error', message: text, stack: text };
}

function worker_fail(id, error) {
  const parts = worker_errorParts(error);
  host.fail(id, parts.name, parts.message, parts.stack);
}

async function worker_respond(id, response, pending) {
  const out = await responseToHost(response);
  const done = pending !== undefined && pending.waitUntil.length === 0;
  if (done) pending.finished = true;
  host.complete(id, out.status, out.statusText, fetch_headersString(out.headers), out.body ?? null, done);
}

function worker_run(request, pending, env) {
  if (worker_format === 'modules') {
    return worker_handler.fetch(request, env, new ExecutionContext(pending));
  }
  const event = new FetchEvent('fetch', { request, pending });
  for (const listener of worker_fetchListeners) {
    if (typeof listener === 'function') listener.call(globalThis, event);
    else listener.handleEvent(event);
  }
  if (!pending.responded) {
    throw new Error('No fetch event listener called respondWith(); the script did not produce a response.');
  }
  return pending.response;
}

const entryPoints = {
  configure(scriptName, bindingsJson, flagsJson, format, memoryLimitBytes) {
    memory_startCounting(memoryLimitBytes);
    try {
      worker_flags = JSON.parse(flagsJson);
      worker_format = format;
      const env = {};
      for (const binding of JSON.parse(bindingsJson)) {
        env[binding.name] = worker_bindingValue(binding);
        if (format === 'service-worker') defineGlobal(binding.name, env[binding.name]);
      }
      worker_env = Object.freeze(env);
      return '';
    } catch (error) {
      return `Invalid bindings: ${error.message}`;
    }
  },

  setModuleExports(namespace) {
    const handler = namespace.default;
    if (handler === undefined || handler === null) {
      return 'No event handlers were registered. This script does nothing. (The main module has no default export; export default { fetch(request, env, ctx) { ... } })';
    }
    if (typeof handler.fetch !== 'function') {
      return 'No fetch handler was registered: the default export of the main module has no fetch() method.';
    }
    worker_handler = handler;
    return '';
  },

  checkServiceWorker() {
    return worker_fetchListeners.length > 0
      ? ''
      : "No event handlers were registered. This script does nothing. (Call addEventListener('fetch', ...))";
  },

  parseJson(text) {
    return JSON.parse(text);
  },

  invoke(id, method, url, headers, buffer, envJson) {
    const body = memory_fromHost(buffer);
    const pending = { waitUntil: [], passThrough: false, responded: false, response: undefined, finished: false };
    let request;
    let result;
    try {
      request = requestFromHost(method, url, fetch_splitHeaders(headers), body.length === 0 ? null : body);
      // Values given for this invocation only (an outbound worker's parameters) sit over the worker's env.
      const env = envJson === '' ? worker_env : Object.freeze({ ...worker_env, ...JSON.parse(envJson) });
      result = worker_run(request, pending, env);
    } catch (error) {
      Promise.resolve(worker_finishWithError(id, error, pending, method, url, headers, body))
        .finally(() => worker_whenSettled(id, pending));
      return;
    }
    Promise.resolve(result)
      .then((response) => worker_respond(id, response, pending))
      .catch((error) => worker_finishWithError(id, error, pending, method, url, headers, body))
      .finally(() => worker_whenSettled(id, pending));
  },

  measured: memory_measured,
  settle: fetch_settle,
  reject: fetch_reject,
  fireTimer: timers_fire,
};

// The invocation is over once its response is out and every waitUntil promise
// has settled (promises added by waitUntil while waiting are waited for too).
async function worker_whenSettled(id, pending) {
  if (pending.finished) return;
  let seen = 0;
  while (seen < pending.waitUntil.length) {
    const batch = pending.waitUntil.slice(seen);
    seen = pending.waitUntil.length;
    await Promise.allSettled(batch);
  }
  host.finished(id);
}

// With passThroughOnException() the request goes on to its origin instead of
// failing: the same request, fetched through the platform's egress.
function worker_finishWithError(id, error, pending, method, url, headers, body) {
  if (!pending.passThrough) {
    worker_fail(id, error);
    return undefined;
  }
  return fetch_hostCall(null, (callId) => host.fetch(callId, method, url, headers, body.length ? body : null))
    .then((response) => worker_respond(id, response))
    .catch((fetchError) => worker_fail(id, fetchError));
}

// A blocking wait would hold a JS thread that other isolates share, invisible to
// the CPU watchdog; as on a browser's main thread, it is refused.
Object.defineProperty(Atomics, 'wait', {
  value: function wait() {
    throw new TypeError('Atomics.wait cannot be called in this context');
  },
  writable: true,
  configurable: true,
  enumerable: false,
});
