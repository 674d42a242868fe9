// node:async_hooks: AsyncLocalStorage and AsyncResource (what workerd offers of the
// module; createHook and the execution ids are stubs there too).
//
// The engine gives the runtime no hook into promise continuations (V8's promise hooks
// and continuation-preserved embedder data are reachable from C++ only, and the engine
// binding does not expose them), so the store follows the code the runtime itself
// schedules: the synchronous extent of run()/exit(), callbacks passed to setTimeout,
// setInterval, setImmediate, queueMicrotask and process.nextTick, functions wrapped
// by AsyncLocalStorage.bind/snapshot and AsyncResource. It is NOT carried across
// `await` or into promise reactions (then/catch/finally callbacks): after the first
// await inside run(), getStore() answers undefined.
//
// Shared: node_alsFrame (the current frame: a SafeMap from storage to store, or
// undefined), node_alsWrap(fn) (fn bound to the current frame).

let node_alsFrame;

function node_alsRunIn(frame, fn, thisArg, args) {
  const previous = node_alsFrame;
  node_alsFrame = frame;
  try {
    return ReflectApply(fn, thisArg, args);
  } finally {
    node_alsFrame = previous;
  }
}

function node_alsWrap(fn) {
  const frame = node_alsFrame;
  if (frame === undefined || typeof fn !== 'function') return fn;
  return function (...args) {
    return node_alsRunIn(frame, fn, this, args);
  };
}

// The runtime's scheduling globals, made to carry the frame to their callbacks; done
// once, when a worker first imports node:async_hooks.
function node_alsInstallPropagation() {
  const wrapFirst = (original) => function (callback, ...rest) {
    return ReflectApply(original, this, [node_alsWrap(callback), ...rest]);
  };
  const names = ['setTimeout', 'setInterval', 'queueMicrotask', 'setImmediate'];
  for (let i = 0; i < names.length; i++) {
    const original = globalThis[names[i]];
    if (typeof original === 'function') {
      const wrapped = wrapFirst(original);
      ObjectDefineProperty(wrapped, 'name', { value: names[i] });
      defineGlobal(names[i], wrapped);
    }
  }
}

node_define('async_hooks', () => {
  node_alsInstallPropagation();

  class AsyncLocalStorage {
    #enabled = true;

    static bind(fn) {
      node_validateFunction(fn, 'fn');
      const frame = node_alsFrame;
      return function (...args) {
        return node_alsRunIn(frame, fn, this, args);
      };
    }

    static snapshot() {
      const frame = node_alsFrame;
      return function runInAsyncScope(fn, ...args) {
        return node_alsRunIn(frame, fn, this, args);
      };
    }

    getStore() {
      if (!this.#enabled || node_alsFrame === undefined) return undefined;
      return node_alsFrame.get(this);
    }

    run(store, fn, ...args) {
      node_validateFunction(fn, 'callback');
      this.#enabled = true;
      const frame = new SafeMap();
      if (node_alsFrame !== undefined) node_alsFrame.forEach((v, k) => frame.set(k, v));
      frame.set(this, store);
      return node_alsRunIn(frame, fn, undefined, args);
    }

    exit(fn, ...args) {
      node_validateFunction(fn, 'callback');
      if (node_alsFrame === undefined || !node_alsFrame.has(this)) return ReflectApply(fn, undefined, args);
      const frame = new SafeMap();
      node_alsFrame.forEach((v, k) => { if (k !== this) frame.set(k, v); });
      return node_alsRunIn(frame, fn, undefined, args);
    }

    // Replaces the store for the rest of the current synchronous execution (and what it
    // schedules); the frame in force before is back when the enclosing run() returns.
    enterWith(store) {
      this.#enabled = true;
      const frame = new SafeMap();
      if (node_alsFrame !== undefined) node_alsFrame.forEach((v, k) => frame.set(k, v));
      frame.set(this, store);
      node_alsFrame = frame;
    }

    disable() {
      this.#enabled = false;
      if (node_alsFrame !== undefined && node_alsFrame.has(this)) {
        const frame = new SafeMap();
        node_alsFrame.forEach((v, k) => { if (k !== this) frame.set(k, v); });
        node_alsFrame = frame;
      }
    }

    get name() {
      return '';
    }
  }

  class AsyncResource {
    #frame;
    #type;

    constructor(type, options) {
      node_validateString(type, 'type');
      this.#type = type;
      this.#frame = node_alsFrame;
    }

    runInAsyncScope(fn, thisArg, ...args) {
      node_validateFunction(fn, 'fn');
      return node_alsRunIn(this.#frame, fn, thisArg, args);
    }

    bind(fn, thisArg) {
      node_validateFunction(fn, 'fn');
      const resource = this;
      const bound = function (...args) {
        return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
      };
      ObjectDefineProperty(bound, 'length', { value: fn.length });
      ObjectDefineProperty(bound, 'asyncResource', { value: this, enumerable: true, writable: true, configurable: true });
      return bound;
    }

    static bind(fn, type, thisArg) {
      return new AsyncResource(type ?? (fn.name || 'bound-anonymous-fn')).bind(fn, thisArg);
    }

    emitDestroy() {
      return this;
    }

    asyncId() {
      return 0;
    }

    triggerAsyncId() {
      return 0;
    }
  }

  const hook = { enable() { return this; }, disable() { return this; } };
  return {
    AsyncLocalStorage,
    AsyncResource,
    createHook: () => hook,
    executionAsyncId: () => 0,
    triggerAsyncId: () => 0,
    executionAsyncResource: () => ({}),
    asyncWrapProviders: ObjectFreeze({ __proto__: null }),
  };
});
