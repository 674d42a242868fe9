// node:async_hooks: AsyncLocalStorage and AsyncResource (what workerd offers of the
// module; createHook and the execution ids are stubs there too).
//
// The stores live in the runtime's continuation frame (continuation.js): the engine carries it
// across await, promise reactions and thenable jobs, also where another request's I/O settled
// the promise. Callbacks the runtime schedules itself (setTimeout, setInterval, setImmediate,
// queueMicrotask, process.nextTick) are bound to the stores current when they were scheduled.
// Every call of the host into the isolate starts with no store and puts back what it found, so
// a store entered with enterWith() never reaches another request. Only the stores move with
// bind(), snapshot(), AsyncResource and the scheduled callbacks: the request the code belongs
// to stays that of the code calling them.
//
// Shared: node_alsWrap(fn) (fn bound to the current stores).

// The stores now (a SafeMap from storage to store), or undefined.
function node_alsCurrent() {
  const frame = continuation_get();
  return frame === undefined ? undefined : frame.als;
}

function node_alsRunIn(als, fn, thisArg, args) {
  const previous = continuation_get();
  continuation_set(continuation_frame(previous === undefined ? 0 : previous.inv, als));
  try {
    return ReflectApply(fn, thisArg, args);
  } finally {
    continuation_set(previous);
  }
}

function node_alsWrap(fn) {
  const als = node_alsCurrent();
  if (als === undefined || typeof fn !== 'function') return fn;
  return function (...args) {
    return node_alsRunIn(als, fn, this, args);
  };
}

// The runtime's scheduling globals, made to carry the stores to their callbacks; done once,
// when a worker first imports node:async_hooks (nothing else sets a store).
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

// New stores (never changed once made: continuations made under them keep them): `als` with
// `storage` holding `store`, or without `storage` (undefined when none is left).
function node_alsWith(als, storage, store) {
  const next = new SafeMap();
  if (als !== undefined) als.forEach((v, k) => next.set(k, v));
  next.set(storage, store);
  return next;
}

function node_alsWithout(als, storage) {
  const next = new SafeMap();
  als.forEach((v, k) => { if (k !== storage) next.set(k, v); });
  return next.size === 0 ? undefined : next;
}

node_define('async_hooks', () => {
  node_alsInstallPropagation();

  class AsyncLocalStorage {
    #enabled = true;

    static bind(fn) {
      node_validateFunction(fn, 'fn');
      const als = node_alsCurrent();
      return function (...args) {
        return node_alsRunIn(als, fn, this, args);
      };
    }

    static snapshot() {
      const als = node_alsCurrent();
      return function runInAsyncScope(fn, ...args) {
        return node_alsRunIn(als, fn, this, args);
      };
    }

    getStore() {
      const als = node_alsCurrent();
      if (!this.#enabled || als === undefined) return undefined;
      return als.get(this);
    }

    run(store, fn, ...args) {
      node_validateFunction(fn, 'callback');
      this.#enabled = true;
      return node_alsRunIn(node_alsWith(node_alsCurrent(), this, store), fn, undefined, args);
    }

    exit(fn, ...args) {
      node_validateFunction(fn, 'callback');
      const als = node_alsCurrent();
      if (als === undefined || !als.has(this)) return ReflectApply(fn, undefined, args);
      return node_alsRunIn(node_alsWithout(als, this), fn, undefined, args);
    }

    // Replaces the store for the rest of the current synchronous execution and the
    // continuations made in it; the stores in force before are back when the enclosing run()
    // returns, or when the host's call into the isolate ends.
    enterWith(store) {
      this.#enabled = true;
      continuation_set(continuation_frame(continuation_invocation(), node_alsWith(node_alsCurrent(), this, store)));
    }

    disable() {
      this.#enabled = false;
      const als = node_alsCurrent();
      if (als !== undefined && als.has(this)) {
        continuation_set(continuation_frame(continuation_invocation(), node_alsWithout(als, this)));
      }
    }

    get name() {
      return '';
    }
  }

  class AsyncResource {
    #stores;
    #type;

    constructor(type, options) {
      node_validateString(type, 'type');
      this.#type = type;
      this.#stores = node_alsCurrent();
    }

    runInAsyncScope(fn, thisArg, ...args) {
      node_validateFunction(fn, 'fn');
      return node_alsRunIn(this.#stores, fn, thisArg, args);
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
