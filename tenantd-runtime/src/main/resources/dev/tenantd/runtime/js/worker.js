// The worker glue: builds env from bindings, finds the fetch handler (ES module
// default export or service-worker listeners), and runs invocations. Java calls
// only the functions in `entryPoints`; every result goes back in one host call.
// An entry point that starts a turn takes the turn's clock first (see clock.js).

let worker_flags = {};
let worker_format = 'modules';
let worker_env = {};
let worker_handler = null;
// The main module's namespace: its named exports are the worker's other entrypoints.
let worker_exports = null;
const worker_fetchListeners = [];
const worker_tailListeners = [];

class ExecutionContext {
  #pending;
  #props;

  constructor(pending, props = {}) {
    this.#pending = pending;
    this.#props = props;
  }

  waitUntil(promise) {
    requireArguments(arguments.length, 1, "Failed to execute 'waitUntil' on 'ExecutionContext'");
    worker_waitUntil(this.#pending, promise);
  }

  passThroughOnException() {
    this.#pending.passThrough = true;
  }

  // What the caller's binding gives this entrypoint (a service binding's `props`).
  get props() {
    return this.#props;
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
    if (!this.#pending.dispatching) {
      // Too late: the listeners have returned (a call after an await) and the request failed.
      throw domException('FetchEvent.respondWith() must be called synchronously by the event listener, '
        + 'not after an await or in a callback.', 'InvalidStateError');
    }
    if (this.#pending.responded) {
      throw domException('FetchEvent.respondWith() has already been called.', 'InvalidStateError');
    }
    this.#pending.responded = true;
    this.#pending.response = response;
    this.preventDefault();
  }

  waitUntil(promise) {
    worker_waitUntil(this.#pending, promise);
  }

  passThroughOnException() {
    this.#pending.passThrough = true;
  }
}
webIdlClass(FetchEvent);
defineGlobal('FetchEvent', FetchEvent);

// What a service worker's 'tail' listeners receive: the trace items of the invocations it
// consumes, under both names Cloudflare gives them.
class TailEvent extends Event {
  #events;
  #pending;

  constructor(type, init) {
    super(type);
    this.#events = init.events;
    this.#pending = init.pending;
  }

  get events() {
    return this.#events;
  }

  get traces() {
    return this.#events;
  }

  waitUntil(promise) {
    worker_waitUntil(this.#pending, promise);
  }
}
webIdlClass(TailEvent);
defineGlobal('ExecutionContext', ExecutionContext);

defineGlobal('self', globalThis);

// Service-worker syntax registers its handler on the global scope; any worker may listen there
// for promises rejected with no handler (rejections.js).
function worker_listeners(type) {
  return type === 'fetch' ? worker_fetchListeners : type === 'tail' ? worker_tailListeners : rejections_listeners(type);
}
defineGlobal('addEventListener', function addEventListener(type, listener) {
  const list = worker_listeners(type);
  if (list !== null && (typeof listener === 'function' || (listener && typeof listener.handleEvent === 'function'))) {
    ArrayPrototypePush(list, listener);
  }
});
defineGlobal('removeEventListener', function removeEventListener(type, listener) {
  const list = worker_listeners(type);
  if (list === null) return;
  const at = ArrayPrototypeIndexOf(list, listener);
  if (at >= 0) removeFromList(list, at);
});

// What an invocation's error may carry out of the isolate: to the caller, the logs, the tails
// and the invocation's record. An error of tens of megabytes is cut here, before it is copied.
const worker_ERROR_NAME_CHARS = 256;
const worker_ERROR_MESSAGE_CHARS = 16 * 1024;
const worker_ERROR_STACK_CHARS = 32 * 1024;

function worker_clip(text, max) {
  return text.length <= max ? text : StringPrototypeSlice(text, 0, max) + '…';
}

function worker_errorParts(error) {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const name = worker_clip(String(error.name ?? 'Error'), worker_ERROR_NAME_CHARS);
    const message = worker_clip(String(error.message ?? ''), worker_ERROR_MESSAGE_CHARS);
    return { name, message, stack: worker_clip(String(error.stack ?? `${name}: ${message}`), worker_ERROR_STACK_CHARS) };
  }
  const text = String(error);
  return { name: 'Error', message: worker_clip(text, worker_ERROR_MESSAGE_CHARS), stack: worker_clip(text, worker_ERROR_STACK_CHARS) };
}

// Reports the invocation's error; what the worker threw is read with its own getters
// and toString, and one that throws in turn is reported as such.
function worker_fail(id, error) {
  let parts;
  try {
    parts = worker_errorParts(error);
  } catch {
    const text = 'An exception was thrown whose message could not be read.';
    parts = { name: 'Error', message: text, stack: text };
  }
  host.fail(id, parts.name, parts.message, parts.stack);
}

// waitUntil work: settled quietly (a rejection is reported, never rethrown), so the
// invocation can wait for it with a plain await.
function worker_waitUntil(pending, promise) {
  const list = pending.waitUntil;
  list[list.length] = worker_quietly(promise);
}

async function worker_quietly(promise) {
  try {
    await promise;
  } catch (error) {
    reportError(error);
  }
}

async function worker_respond(id, response, pending) {
  const out = await responseToHost(response);
  // A body that leaves as a stream keeps the invocation going until it is read to its end.
  if (out.streamDone !== undefined && pending !== undefined) worker_waitUntil(pending, out.streamDone);
  const done = pending !== undefined && pending.waitUntil.length === 0;
  if (done) pending.finished = true;
  host.complete(id, out.status, out.statusText, fetch_headersString(out.headers), out.body ?? null, done,
    out.held ?? 0, out.webSocket === null ? 0 : ws_release(out.webSocket), out.stream ?? 0, out.jsStream ?? 0,
    out.jsStreamLength ?? -1);
}

function worker_run(request, pending, env, entrypoint, propsJson) {
  if (worker_format === 'modules') {
    const handler = worker_entrypoint(entrypoint);
    const ctx = new ExecutionContext(pending, JSONParse(propsJson));
    if (rpc_isEntrypointClass(handler)) {
      const instance = new handler(ctx, env);
      if (typeof instance.fetch !== 'function') throw new Error('Handler does not export a fetch() function.');
      return instance.fetch(request);
    }
    if (handler === null || typeof handler !== 'object' || typeof handler.fetch !== 'function') {
      throw new Error('Handler does not export a fetch() function.');
    }
    return handler.fetch(request, env, ctx);
  }
  const event = new FetchEvent('fetch', { request, pending });
  const listeners = copyList(worker_fetchListeners);
  pending.dispatching = true;
  try {
    for (let i = 0; i < listeners.length; i++) {
      const listener = listeners[i];
      if (typeof listener === 'function') ReflectApply(listener, globalThis, [event]);
      else listener.handleEvent(event);
    }
  } finally {
    pending.dispatching = false;
  }
  if (!pending.responded) {
    throw new Error('No fetch event listener called respondWith(); the script did not produce a response.');
  }
  return pending.response;
}

// One invocation, from the handler's call to the end of its waitUntil work. It never
// rejects: every failure becomes the invocation's error response. `body` is a body_Source
// (streamed), a non-empty Uint8Array, or null.
async function worker_serve(id, method, url, headers, body, envJson, cfJson, entrypoint, propsJson) {
  const pending = { waitUntil: [], passThrough: false, responded: false, response: undefined, finished: false,
    dispatching: false };
  try {
    const request = requestFromHost(method, url, fetch_splitHeaders(headers),
      body,
      cfJson ? JSONParse(cfJson) : undefined);
    // Values given for this invocation only (an outbound worker's parameters) sit over the worker's env.
    const env = envJson === '' ? worker_env : ObjectFreeze({ ...worker_env, ...JSONParse(envJson) });
    const response = await worker_run(request, pending, env, entrypoint, propsJson);
    await worker_respond(id, response, pending);
  } catch (error) {
    try {
      await worker_finishWithError(id, error, pending, method, url, headers, body);
    } catch (failure) {
      worker_fail(id, failure);
    }
  } finally {
    await worker_whenSettled(id, pending);
  }
}

// The tail handler of a worker named as another's tail consumer, on that worker's trace
// items. Like a fetch invocation it never rejects: a failure becomes the invocation's error.
async function worker_tail(id, eventsJson) {
  const pending = { waitUntil: [], passThrough: false, responded: false, response: undefined, finished: false,
    dispatching: false };
  try {
    const events = JSONParse(eventsJson);
    if (worker_format === 'modules') {
      const handler = worker_handler;
      const ctx = new ExecutionContext(pending);
      if (rpc_isEntrypointClass(handler)) {
        const instance = new handler(ctx, worker_env);
        if (typeof instance.tail !== 'function') throw new Error('Handler does not export a tail() function.');
        await instance.tail(events);
      } else {
        if (handler === null || typeof handler !== 'object' || typeof handler.tail !== 'function') {
          throw new Error('Handler does not export a tail() function.');
        }
        await handler.tail(events, worker_env, ctx);
      }
    } else {
      if (worker_tailListeners.length === 0) throw new Error("No tail event listener was registered (addEventListener('tail', ...)).");
      const event = new TailEvent('tail', { events, pending });
      const listeners = copyList(worker_tailListeners);
      for (let i = 0; i < listeners.length; i++) {
        const listener = listeners[i];
        if (typeof listener === 'function') ReflectApply(listener, globalThis, [event]);
        else listener.handleEvent(event);
      }
    }
    const done = pending.waitUntil.length === 0;
    if (done) pending.finished = true;
    host.complete(id, 200, '', '', null, done, 0);
  } catch (error) {
    worker_fail(id, error);
  } finally {
    await worker_whenSettled(id, pending);
  }
}

const entryPoints = {
  configure(epochMs, scriptName, bindingsJson, flagsJson, format, memoryLimitBytes) {
    clock_turn(epochMs);
    memory_startCounting(memoryLimitBytes);
    try {
      worker_flags = JSONParse(flagsJson);
      worker_format = format;
      const env = {};
      const bindings = JSONParse(bindingsJson);
      for (let i = 0; i < bindings.length; i++) {
        const binding = bindings[i];
        const value = bindings_make(binding, worker_flags);
        // An unnamed channel is a platform service whose wrapper installed its globals itself.
        if (binding.name === '') continue;
        env[binding.name] = value;
        if (format === 'service-worker') defineGlobal(binding.name, env[binding.name]);
      }
      worker_env = ObjectFreeze(env);
      // The flags node_configure answers to; without them the node part stays unloaded.
      if (worker_flags.nodejs_compat === true || worker_flags.nodejs_compat_v2 === true
          || worker_flags.nodejs_als === true) {
        lazy_load('node').node_configure(worker_flags, bindings);
      }
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
    worker_exports = namespace;
    // A WorkerEntrypoint class may offer RPC methods only; its fetch() is looked for per request.
    // A Tail Worker may have a tail() handler alone.
    if (!rpc_isEntrypointClass(handler) && typeof handler.fetch !== 'function' && typeof handler.tail !== 'function') {
      return 'No fetch handler was registered: the default export of the main module has no fetch() method.';
    }
    worker_handler = handler;
    return '';
  },

  checkServiceWorker() {
    return worker_fetchListeners.length > 0 || worker_tailListeners.length > 0
      ? ''
      : "No event handlers were registered. This script does nothing. (Call addEventListener('fetch', ...))";
  },

  parseJson(text) {
    return JSONParse(text);
  },

  builtinModule(specifier) {
    return builtins_module(specifier, worker_flags);
  },

  // import() of one ES module: the loader rewrites the module's import(...) calls into calls of
  // the function made here, and `load` (Java) resolves a specifier as a static import in that
  // module would, then links and evaluates the module it found.
  dynamicImporter(load) {
    return (specifier, options) => worker_import(load, specifier, options);
  },

  invoke(epochMs, id, method, url, headers, buffer, envJson, cfJson, entrypoint, propsJson, streamId, streamLength) {
    clock_turn(epochMs);
    // No body comes as null (see JsValues.body), a streamed one by its id.
    const body = streamId > 0 ? body_hostStreamSource(streamId, streamLength)
      : buffer === null ? null : memory_fromHost(buffer);
    worker_serve(id, method, url, headers, body, envJson, cfJson, entrypoint, propsJson);
  },

  measured: memory_measured,

  // Called between turns only.
  wasmMemoryBytes() {
    wasm_settle();
    return memory_wasmBytes() + memory_wasmLost;
  },

  compileWasm: wasm_compile,

  settle(epochMs, id, status, statusText, headers, buffer, url, redirects, heldId, heldLength, socketId,
    streamId, streamLength) {
    clock_turn(epochMs);
    fetch_settle(id, status, statusText, headers, buffer, url, redirects, heldId, heldLength, socketId, streamId,
      streamLength);
  },

  pullBody(epochMs, id) {
    clock_turn(epochMs);
    body_pullOut(id);
  },

  cancelBody(epochMs, id) {
    clock_turn(epochMs);
    body_cancelOut(id);
  },

  dropBody: body_dropOut,

  answer(epochMs, id, text, buffer) {
    clock_turn(epochMs);
    fetch_answer(id, text, buffer);
  },

  reject(epochMs, id, name, message) {
    clock_turn(epochMs);
    fetch_reject(id, name, message);
  },

  tail(epochMs, id, eventsJson) {
    clock_turn(epochMs);
    worker_tail(id, eventsJson);
  },

  rpc(epochMs, id, entrypoint, method, buffer, propsJson) {
    clock_turn(epochMs);
    rpc_serve(id, entrypoint, method, memory_fromHost(buffer), propsJson);
  },

  callExport(epochMs, id, callId, position, method, buffer) {
    clock_turn(epochMs);
    rpc_serveExport(id, callId, position, method, memory_fromHost(buffer));
  },

  fireTimer(epochMs, id) {
    clock_turn(epochMs);
    timers_fire(id);
  },
};

// What import(specifier, options) does after the parse: the specifier becomes a string and
// the options are checked at once (a failure rejects the promise), the module is loaded and
// evaluated once the code that called import() has run to its end, and the promise fulfils
// with the module's namespace. Import attributes are accepted and not needed: a module's
// type is fixed when it is uploaded.
async function worker_import(load, specifier, options) {
  const name = `${specifier}`;
  if (options !== undefined) {
    if (options === null || (typeof options !== 'object' && typeof options !== 'function')) {
      throw new TypeError('The second argument of import() must be an object');
    }
    const attributes = options.with;
    if (attributes !== undefined && (attributes === null || typeof attributes !== 'object')) {
      throw new TypeError("The 'with' option of import() must be an object");
    }
  }
  await undefined;
  const loaded = load(name);
  if (typeof loaded[0] === 'string') {
    throw worker_importError(loaded[0], loaded[1]);
  }
  if (loaded[0] === null) throw loaded[1];
  await loaded[0];
  return loaded[1];
}

function worker_importError(name, message) {
  switch (name) {
    case 'SyntaxError': return new SyntaxError(message);
    case 'TypeError': return new TypeError(message);
    case 'ReferenceError': return new ReferenceError(message);
    case 'RangeError': return new RangeError(message);
    default: return new Error(message);
  }
}

// The export an RPC call names: '' for the default export, else a named export of the main module.
function worker_entrypoint(name) {
  if (worker_format !== 'modules' || worker_exports === null) {
    throw new TypeError('The worker is written in service-worker syntax, which has no entrypoints to call over RPC.');
  }
  if (name === '') return worker_handler;
  const exported = ReflectGetOwnPropertyDescriptor(worker_exports, name);
  if (exported === undefined || exported.value === undefined || exported.value === null) {
    throw new TypeError(`The worker has no entrypoint named "${name}".`);
  }
  return exported.value;
}

// The invocation is over once its response is out and every waitUntil promise
// has settled (promises added by waitUntil while waiting are waited for too).
// Each is settled quietly, so awaiting them in turn is waiting for them all.
async function worker_whenSettled(id, pending) {
  if (pending.finished) return;
  const list = pending.waitUntil;
  for (let i = 0; i < list.length; i++) await list[i];
  host.finished(id);
}

// With passThroughOnException() the request goes on to its origin instead of
// failing: the same request, fetched through the platform's egress.
async function worker_finishWithError(id, error, pending, method, url, headers, body) {
  if (!pending.passThrough) {
    worker_fail(id, error);
    return;
  }
  let response;
  try {
    // A streamed body goes on to the origin only if the worker never started reading it.
    let stream = 0;
    if (body instanceof body_Source) {
      if (body.hostStream === 0 || body_sourceDisturbed(body) || body.stream !== null) throw new TypeError('The request cannot be passed through to its origin: the worker read its body already.');
      stream = body.hostStream;
      body.hostStream = 0;
      body.disturbed = true;
    }
    // As the request the worker was given: the origin's redirect goes to the client.
    response = await fetch_hostCall(null, (callId) => host.fetch(callId, method, url, headers,
      stream === 0 && body !== null ? bodyToHost(body) : null, stream, 'manual'));
  } catch (fetchError) {
    worker_fail(id, fetchError);
    return;
  }
  await worker_respond(id, response);
}

// A blocking wait would hold a JS thread that other isolates share, invisible to
// the CPU watchdog; as on a browser's main thread, it is refused.
ObjectDefineProperty(Atomics, 'wait', {
  value: function wait() {
    throw new TypeError('Atomics.wait cannot be called in this context');
  },
  writable: true,
  configurable: true,
  enumerable: false,
});
