// node:events: EventEmitter as Node documents it (listener order, once wrappers,
// 'newListener'/'removeListener', 'error' without a listener throws, errorMonitor,
// max-listener warnings), and the helpers once(), on(), getEventListeners(),
// listenerCount() and addAbortListener().

node_define('events', () => {
  const kCapture = Symbol('kCapture');
  const errorMonitor = Symbol('events.errorMonitor');
  const captureRejectionSymbol = Symbol.for('nodejs.rejection');
  let defaultMaxListeners = 10;

  function EventEmitter(options) {
    EventEmitter.init.call(this, options);
  }

  EventEmitter.init = function init(options) {
    if (this._events === undefined || this._events === ObjectGetPrototypeOf(this)._events) {
      this._events = { __proto__: null };
      this._eventsCount = 0;
    }
    this._maxListeners = this._maxListeners || undefined;
    if (options !== undefined && options !== null && options.captureRejections) this[kCapture] = true;
  };

  EventEmitter.prototype._events = undefined;
  EventEmitter.prototype._eventsCount = 0;
  EventEmitter.prototype._maxListeners = undefined;

  function events(target) {
    if (target._events === undefined) {
      target._events = { __proto__: null };
      target._eventsCount = 0;
    }
    return target._events;
  }

  EventEmitter.prototype.setMaxListeners = function setMaxListeners(n) {
    if (typeof n !== 'number' || n < 0 || n !== n) throw node_outOfRange('n', 'a non-negative number', n);
    this._maxListeners = n;
    return this;
  };

  function maxListeners(target) {
    return target._maxListeners === undefined ? defaultMaxListeners : target._maxListeners;
  }

  EventEmitter.prototype.getMaxListeners = function getMaxListeners() {
    return maxListeners(this);
  };

  EventEmitter.prototype.emit = function emit(type, ...args) {
    const all = events(this);
    if (type === 'error') {
      if (all[errorMonitor] !== undefined) this.emit(errorMonitor, ...args);
      if (all.error === undefined) {
        const error = args[0];
        if (ErrorIsError(error)) throw error;
        let shown;
        try {
          shown = node_require('util').inspect(error);
        } catch {
          shown = String(error);
        }
        const unhandled = node_error(Error, 'ERR_UNHANDLED_ERROR', `Unhandled error. (${shown})`);
        unhandled.context = error;
        throw unhandled;
      }
    }
    const handler = all[type];
    if (handler === undefined) return false;
    if (typeof handler === 'function') {
      callListener(this, handler, args);
    } else {
      const listeners = copyList(handler);
      for (let i = 0; i < listeners.length; i++) callListener(this, listeners[i], args);
    }
    return true;
  };

  function callListener(target, listener, args) {
    const result = ReflectApply(listener, target, args);
    if (target[kCapture] === true && result !== undefined && result !== null && typeof result.then === 'function') {
      PromisePrototypeThen(PromiseResolve(result), undefined, (error) => {
        if (typeof target[captureRejectionSymbol] === 'function') target[captureRejectionSymbol](error, ...args);
        else target.emit('error', error);
      });
    }
  }

  function addListener(target, type, listener, prepend) {
    node_validateFunction(listener, 'listener');
    const all = events(target);
    if (all.newListener !== undefined) {
      target.emit('newListener', type, listener.listener ? listener.listener : listener);
    }
    const existing = all[type];
    if (existing === undefined) {
      all[type] = listener;
      target._eventsCount++;
    } else {
      const list = typeof existing === 'function' ? [existing] : existing;
      if (prepend) {
        for (let i = list.length; i > 0; i--) list[i] = list[i - 1];
        list[0] = listener;
      } else {
        list[list.length] = listener;
      }
      all[type] = list;
      const max = maxListeners(target);
      if (max > 0 && list.length > max && !list.warned) {
        list.warned = true;
        const warning = node_error(Error, undefined, `Possible EventEmitter memory leak detected. ${list.length} `
          + `${String(type)} listeners added to ${target.constructor.name}. MaxListeners is ${max}. `
          + 'Use emitter.setMaxListeners() to increase limit');
        warning.name = 'MaxListenersExceededWarning';
        warning.emitter = target;
        warning.type = type;
        warning.count = list.length;
        console.warn(`(node) ${warning.name}: ${warning.message}`);
      }
    }
    return target;
  }

  EventEmitter.prototype.addListener = function addListener_(type, listener) {
    return addListener(this, type, listener, false);
  };
  EventEmitter.prototype.on = EventEmitter.prototype.addListener;
  EventEmitter.prototype.prependListener = function prependListener(type, listener) {
    return addListener(this, type, listener, true);
  };

  function onceWrapper(target, type, listener) {
    const state = { fired: false };
    const wrapped = function (...args) {
      if (state.fired) return undefined;
      state.fired = true;
      target.removeListener(type, wrapped);
      return ReflectApply(listener, target, args);
    };
    wrapped.listener = listener;
    wrapped.onceWrapper = true;
    return wrapped;
  }

  EventEmitter.prototype.once = function once(type, listener) {
    node_validateFunction(listener, 'listener');
    return this.on(type, onceWrapper(this, type, listener));
  };
  EventEmitter.prototype.prependOnceListener = function prependOnceListener(type, listener) {
    node_validateFunction(listener, 'listener');
    return this.prependListener(type, onceWrapper(this, type, listener));
  };

  EventEmitter.prototype.removeListener = function removeListener(type, listener) {
    node_validateFunction(listener, 'listener');
    const all = events(this);
    const existing = all[type];
    if (existing === undefined) return this;
    if (existing === listener || existing.listener === listener) {
      if (--this._eventsCount === 0) this._events = { __proto__: null };
      else delete all[type];
      if (all.removeListener !== undefined) this.emit('removeListener', type, existing.listener || listener);
      return this;
    }
    if (typeof existing === 'function') return this;
    let at = -1;
    for (let i = existing.length - 1; i >= 0; i--) {
      if (existing[i] === listener || existing[i].listener === listener) {
        at = i;
        break;
      }
    }
    if (at < 0) return this;
    const removed = existing[at];
    const rest = [];
    for (let i = 0; i < existing.length; i++) if (i !== at) rest[rest.length] = existing[i];
    all[type] = rest.length === 1 ? rest[0] : rest;
    if (all.removeListener !== undefined) this.emit('removeListener', type, removed.listener || listener);
    return this;
  };
  EventEmitter.prototype.off = EventEmitter.prototype.removeListener;

  EventEmitter.prototype.removeAllListeners = function removeAllListeners(type) {
    const all = events(this);
    if (all.removeListener === undefined) {
      if (arguments.length === 0) {
        this._events = { __proto__: null };
        this._eventsCount = 0;
      } else if (all[type] !== undefined) {
        if (--this._eventsCount === 0) this._events = { __proto__: null };
        else delete all[type];
      }
      return this;
    }
    if (arguments.length === 0) {
      const keys = ReflectOwnKeys(all);
      for (let i = 0; i < keys.length; i++) if (keys[i] !== 'removeListener') this.removeAllListeners(keys[i]);
      this.removeAllListeners('removeListener');
      this._events = { __proto__: null };
      this._eventsCount = 0;
      return this;
    }
    const listeners = all[type];
    if (typeof listeners === 'function') {
      this.removeListener(type, listeners);
    } else if (listeners !== undefined) {
      for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type, listeners[i]);
    }
    return this;
  };

  function listenersOf(target, type, unwrap) {
    const existing = target._events === undefined ? undefined : target._events[type];
    if (existing === undefined) return [];
    const list = typeof existing === 'function' ? [existing] : copyList(existing);
    if (unwrap) for (let i = 0; i < list.length; i++) list[i] = list[i].listener || list[i];
    return list;
  }

  EventEmitter.prototype.listeners = function listeners(type) { return listenersOf(this, type, true); };
  EventEmitter.prototype.rawListeners = function rawListeners(type) { return listenersOf(this, type, false); };
  EventEmitter.prototype.listenerCount = function listenerCount(type, listener) {
    const list = listenersOf(this, type, true);
    if (listener === undefined) return list.length;
    let n = 0;
    for (let i = 0; i < list.length; i++) if (list[i] === listener) n++;
    return n;
  };
  EventEmitter.prototype.eventNames = function eventNames() {
    return this._eventsCount > 0 ? ReflectOwnKeys(this._events) : [];
  };

  function once(emitter, name, options = {}) {
    const signal = options ? options.signal : undefined;
    return new Promise((resolve, reject) => {
      if (signal !== undefined && signal.aborted) {
        reject(abortError(signal.reason));
        return;
      }
      if (typeof emitter.addEventListener === 'function' && typeof emitter.on !== 'function') {
        emitter.addEventListener(name, (event) => resolve([event]), { once: true, signal });
        return;
      }
      const onError = (error) => {
        emitter.removeListener(name, onEvent);
        cleanup();
        reject(error);
      };
      const onEvent = (...args) => {
        if (name !== 'error') emitter.removeListener('error', onError);
        cleanup();
        resolve(args);
      };
      const onAbort = () => {
        emitter.removeListener(name, onEvent);
        emitter.removeListener('error', onError);
        reject(abortError(signal.reason));
      };
      const cleanup = () => {
        if (signal !== undefined) signal.removeEventListener('abort', onAbort);
      };
      emitter.once(name, onEvent);
      if (name !== 'error') emitter.once('error', onError);
      if (signal !== undefined) signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  function abortError(cause) {
    const error = node_error(Error, 'ABORT_ERR', 'The operation was aborted');
    error.name = 'AbortError';
    error.cause = cause;
    return error;
  }

  // An async iterator of the events' argument lists; an 'error' event ends it with the error.
  function on(emitter, name, options = {}) {
    const signal = options ? options.signal : undefined;
    if (signal !== undefined && signal.aborted) throw abortError(signal.reason);
    const queue = [];
    const waiting = [];
    let failure = null;
    let done = false;
    const onEvent = (...args) => {
      if (waiting.length > 0) ArrayPrototypeShift(waiting).resolve({ value: args, done: false });
      else ArrayPrototypePush(queue, args);
    };
    const onError = (error) => {
      if (waiting.length > 0) ArrayPrototypeShift(waiting).reject(error);
      else failure = error;
      finish();
    };
    const finish = () => {
      done = true;
      emitter.removeListener(name, onEvent);
      emitter.removeListener('error', onError);
      while (waiting.length > 0) ArrayPrototypeShift(waiting).resolve({ value: undefined, done: true });
    };
    emitter.on(name, onEvent);
    if (name !== 'error') emitter.on('error', onError);
    if (signal !== undefined) signal.addEventListener('abort', () => onError(abortError(signal.reason)), { once: true });
    return {
      next() {
        if (queue.length > 0) return PromiseResolve({ value: ArrayPrototypeShift(queue), done: false });
        if (failure !== null) {
          const error = failure;
          failure = null;
          return PromiseReject(error);
        }
        if (done) return PromiseResolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => ArrayPrototypePush(waiting, { resolve, reject }));
      },
      return() {
        finish();
        return PromiseResolve({ value: undefined, done: true });
      },
      throw(error) {
        onError(error);
        return PromiseReject(error);
      },
      [Symbol.asyncIterator]() { return this; },
    };
  }

  function getEventListeners(emitter, type) {
    if (typeof emitter.listeners === 'function') return emitter.listeners(type);
    return [];
  }

  function listenerCount(emitter, type) {
    return emitter.listenerCount(type);
  }

  function addAbortListener(signal, listener) {
    node_validateFunction(listener, 'listener');
    if (signal.aborted) {
      queueMicrotask(() => listener());
    } else {
      signal.addEventListener('abort', listener, { once: true });
    }
    return { [Symbol.dispose || Symbol.for('Symbol.dispose')]() { signal.removeEventListener('abort', listener); } };
  }

  // An emitter's limit, or an EventTarget's (which has none of its own here: the default).
  function getMaxListeners(emitter) {
    if (emitter !== null && typeof emitter === 'object' && typeof emitter.getMaxListeners === 'function') {
      return emitter.getMaxListeners();
    }
    if (emitter instanceof EventTarget) return defaultMaxListeners;
    throw node_invalidArgType('emitter', 'EventEmitter or EventTarget', emitter);
  }

  function setMaxListeners(n = defaultMaxListeners, ...targets) {
    if (targets.length === 0) defaultMaxListeners = n;
    for (let i = 0; i < targets.length; i++) {
      if (typeof targets[i].setMaxListeners === 'function') targets[i].setMaxListeners(n);
    }
  }

  ObjectDefineProperty(EventEmitter, 'defaultMaxListeners', {
    get() { return defaultMaxListeners; },
    set(n) {
      if (typeof n !== 'number' || n < 0 || n !== n) throw node_outOfRange('defaultMaxListeners', 'a non-negative number', n);
      defaultMaxListeners = n;
    },
    enumerable: true,
  });
  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.usingDomains = false;
  EventEmitter.captureRejectionSymbol = captureRejectionSymbol;
  EventEmitter.errorMonitor = errorMonitor;
  EventEmitter.once = once;
  EventEmitter.on = on;
  EventEmitter.getEventListeners = getEventListeners;
  EventEmitter.listenerCount = listenerCount;
  EventEmitter.addAbortListener = addAbortListener;
  EventEmitter.setMaxListeners = setMaxListeners;
  EventEmitter.getMaxListeners = getMaxListeners;
  ObjectDefineProperty(EventEmitter, 'captureRejections', { value: false, writable: true, enumerable: true });
  EventEmitter.EventTarget = EventTarget;
  EventEmitter.Event = Event;
  EventEmitter.default = EventEmitter;
  return EventEmitter;
});
