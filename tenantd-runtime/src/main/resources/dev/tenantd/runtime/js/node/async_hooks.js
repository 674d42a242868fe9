// node:async_hooks: AsyncLocalStorage and AsyncResource (what workerd offers of the
// module; createHook and the execution ids are stubs there too).
//
// The current frame (a SafeMap from storage to store, or undefined) is the engine's
// continuation-preserved embedder data (prelude.js: continuation_get/continuation_set): the
// engine saves it with every promise reaction and await when they are made and makes it
// current again while they run, so a store set by run() is there after an await, in then()
// callbacks and in the continuations of promises another request's I/O settled. Callbacks the
// runtime schedules itself (setTimeout, setInterval, setImmediate, queueMicrotask,
// process.nextTick) are bound to the frame current when they were scheduled. Every call the
// host makes into the isolate starts with no frame and puts back the one it found, so a store
// entered with enterWith() never reaches another request.
//
// Shared: node_alsWrap(fn) (fn bound to the current frame).

function node_alsRunIn(frame, fn, thisArg, args) {
  const previous = continuation_get();
  continuation_set(frame);
  try {
    return ReflectApply(fn, thisArg, args);
  } finally {
    continuation_set(previous);
  }
}

function node_alsWrap(fn) {
  const frame = continuation_get();
  if (frame === undefined || typeof fn !== 'function') return fn;
  return function (...args) {
    return node_alsRunIn(frame, fn, this, args);
  };
}

// Every entry point the host calls starts with no frame and leaves the frame it found.
function node_alsGuardEntryPoints() {
  const names = ObjectKeys(entryPoints);
  for (let i = 0; i < names.length; i++) {
    const entry = entryPoints[names[i]];
    if (typeof entry !== 'function') continue;
    entryPoints[names[i]] = function (...args) {
      return node_alsRunIn(undefined, entry, this, args);
    };
  }
}

// The runtime's scheduling globals, made to carry the frame to their callbacks, and the entry
// points guarded; done once, when a worker first imports node:async_hooks (nothing else sets a
// frame).
function node_alsInstallPropagation() {
  node_alsGuardEntryPoints();
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

// A new frame: `frame` (never changed: continuations made under it keep it) with `storage`
// holding `store`, or without `storage`.
function node_alsFrameWith(frame, storage, store) {
  const next = new SafeMap();
  if (frame !== undefined) frame.forEach((v, k) => next.set(k, v));
  next.set(storage, store);
  return next;
}

function node_alsFrameWithout(frame, storage) {
  const next = new SafeMap();
  frame.forEach((v, k) => { if (k !== storage) next.set(k, v); });
  return next.size === 0 ? undefined : next;
}

node_define('async_hooks', () => {
  node_alsInstallPropagation();

  class AsyncLocalStorage {
    #enabled = true;

    static bind(fn) {
      node_validateFunction(fn, 'fn');
      const frame = continuation_get();
      return function (...args) {
        return node_alsRunIn(frame, fn, this, args);
      };
    }

    static snapshot() {
      const frame = continuation_get();
      return function runInAsyncScope(fn, ...args) {
        return node_alsRunIn(frame, fn, this, args);
      };
    }

    getStore() {
      const frame = continuation_get();
      if (!this.#enabled || frame === undefined) return undefined;
      return frame.get(this);
    }

    run(store, fn, ...args) {
      node_validateFunction(fn, 'callback');
      this.#enabled = true;
      return node_alsRunIn(node_alsFrameWith(continuation_get(), this, store), fn, undefined, args);
    }

    exit(fn, ...args) {
      node_validateFunction(fn, 'callback');
      const current = continuation_get();
      if (current === undefined || !current.has(this)) return ReflectApply(fn, undefined, args);
      return node_alsRunIn(node_alsFrameWithout(current, this), fn, undefined, args);
    }

    // Replaces the store for the rest of the current synchronous execution and the
    // continuations made in it; the frame in force before is back when the enclosing run()
    // returns, or when the host's call into the isolate ends.
    enterWith(store) {
      this.#enabled = true;
      continuation_set(node_alsFrameWith(continuation_get(), this, store));
    }

    disable() {
      this.#enabled = false;
      const current = continuation_get();
      if (current !== undefined && current.has(this)) continuation_set(node_alsFrameWithout(current, this));
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
      this.#frame = continuation_get();
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
