// node:process (also the `process` global) and node:timers, node:timers/promises.
//
// process is an EventEmitter with env (the worker's text bindings when
// nodejs_compat_populate_process_env is on), nextTick (a microtask, as in workerd),
// the fixed facts workerd reports (platform 'linux', version, cwd '/bundle'...) and
// getBuiltinModule(). What an isolate cannot do (exit, kill, chdir...) throws or is inert.

node_define('process', () => {
  const EventEmitter = node_require('events');
  const process = new EventEmitter();
  const version = 'v22.14.0';
  const startedAt = clock_now();

  function nextTick(callback, ...args) {
    node_validateFunction(callback, 'callback');
    queueMicrotaskIntrinsic(node_alsWrap(() => ReflectApply(callback, undefined, args)));
  }

  // The turn's clock, in milliseconds since the epoch: taken apart before it becomes
  // nanoseconds, which a double would not hold exactly.
  function hrtime(previous) {
    const millis = MathFloor(clock_now());
    let seconds = MathFloor(millis / 1e3);
    let rest = (millis % 1e3) * 1e6;
    if (previous !== undefined) {
      if (!ArrayIsArray(previous) || previous.length !== 2) {
        throw node_invalidArgType('time', 'an instance of Array', previous);
      }
      seconds -= previous[0];
      rest -= previous[1];
      if (rest < 0) {
        seconds -= 1;
        rest += 1e9;
      }
    }
    return [seconds, rest];
  }
  hrtime.bigint = () => BigInt(MathFloor(clock_now())) * 1000000n;

  const properties = {
    title: 'node',
    version,
    versions: ObjectFreeze({ node: StringPrototypeSlice(version, 1) }),
    arch: 'x64',
    platform: 'linux',
    release: ObjectFreeze({ name: 'node' }),
    argv: ['node'],
    argv0: 'node',
    execArgv: [],
    execPath: '/bundle/node',
    pid: 1,
    ppid: 0,
    exitCode: undefined,
    features: ObjectFreeze({ inspector: false, ipv6: true, tls: true, typescript: false }),
    config: ObjectFreeze({ target_defaults: {}, variables: {} }),
    allowedNodeEnvironmentFlags: new Set(),
    stdin: undefined,
    nextTick,
    hrtime,
    cwd: () => '/bundle',
    chdir: (directory) => {
      throw node_error(Error, 'ERR_UNSUPPORTED_OPERATION', 'process.chdir() is not supported in workers');
    },
    umask: () => 0o22,
    uptime: () => (clock_now() - startedAt) / 1000,
    memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }),
    cpuUsage: () => ({ user: 0, system: 0 }),
    resourceUsage: () => ({}),
    emitWarning(warning, type, code) {
      const text = typeof warning === 'string' ? warning : String(warning && warning.message);
      console.warn(`(node) ${typeof type === 'string' ? type : 'Warning'}${code ? ` [${code}]` : ''}: ${text}`);
    },
    exit(code) {
      throw node_error(Error, 'ERR_UNSUPPORTED_OPERATION', `process.exit(${code ?? ''}) is not supported in workers`);
    },
    abort() {
      throw node_error(Error, 'ERR_UNSUPPORTED_OPERATION', 'process.abort() is not supported in workers');
    },
    kill: node_notImplemented('process.kill'),
    getuid: () => 0,
    geteuid: () => 0,
    getgid: () => 0,
    getegid: () => 0,
    getgroups: () => [],
    binding: node_notImplemented('process.binding'),
    dlopen: node_notImplemented('process.dlopen'),
    hasUncaughtExceptionCaptureCallback: () => false,
    setUncaughtExceptionCaptureCallback: () => {},
    setSourceMapsEnabled: () => {},
    sourceMapsEnabled: false,
    getActiveResourcesInfo: () => [],
    constrainedMemory: () => 0,
    availableMemory: () => 0,
    loadEnvFile: node_notImplemented('process.loadEnvFile'),
    getBuiltinModule(id) {
      node_validateString(id, 'id');
      const name = StringPrototypeStartsWith(id, 'node:') ? StringPrototypeSlice(id, 5) : id;
      const exports = builtins_module(`node:${name}`, worker_flags);
      return exports !== null && typeof exports === 'object' ? (exports.default ?? exports) : undefined;
    },
  };
  const keys = ObjectKeys(properties);
  for (let i = 0; i < keys.length; i++) process[keys[i]] = properties[keys[i]];
  ObjectDefineProperty(process, 'env', {
    get() { return node_processEnv; },
    set(value) { node_processEnv = value; },
    enumerable: true,
    configurable: true,
  });
  const stream = (fd, method) => ({
    fd,
    isTTY: false,
    write(chunk, encoding, callback) {
      const text = typeof chunk === 'string' ? chunk : node_bufferDecode(viewBytes(chunk), 'utf8');
      console[method](StringPrototypeEndsWith(text, '\n') ? StringPrototypeSlice(text, 0, -1) : text);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') nextTick(done);
      return true;
    },
    on() { return this; },
    once() { return this; },
    end() {},
  });
  process.stdout = stream(1, 'log');
  process.stderr = stream(2, 'error');
  process[SymbolToStringTag] = 'process';
  return process;
});

const StringPrototypeEndsWith = uncurryThis(String.prototype.endsWith);
const queueMicrotaskIntrinsic = globalThis.queueMicrotask;

// Timeout and Immediate objects as node:timers returns them: the numeric id the global
// clearTimeout takes is their primitive value.
function node_makeTimers() {
  class Timeout {
    #id;
    #callback;
    #delay;
    #args;
    #repeat;

    constructor(callback, delay, args, repeat) {
      node_validateFunction(callback, 'callback');
      this.#callback = node_alsWrap(callback);
      this.#delay = delay;
      this.#args = args;
      this.#repeat = repeat;
      this.#id = timers_arm(this.#callback, delay, args, repeat);
    }

    ref() { return this; }
    unref() { return this; }
    hasRef() { return true; }

    refresh() {
      timers_cancel(this.#id);
      this.#id = timers_arm(this.#callback, this.#delay, this.#args, this.#repeat);
      return this;
    }

    close() {
      timers_cancel(this.#id);
      return this;
    }

    [Symbol.toPrimitive]() {
      return this.#id;
    }

    [Symbol.dispose || Symbol.for('Symbol.dispose')]() {
      this.close();
    }
  }

  class Immediate {
    #id;

    constructor(callback, args) {
      node_validateFunction(callback, 'callback');
      this.#id = timers_arm(node_alsWrap(callback), 0, args, false);
    }

    ref() { return this; }
    unref() { return this; }
    hasRef() { return true; }

    [Symbol.toPrimitive]() {
      return this.#id;
    }
  }

  const clear = (timer) => {
    if (timer === undefined || timer === null) return;
    if (typeof timer === 'object' && typeof timer[Symbol.toPrimitive] === 'function') timers_cancel(timer[Symbol.toPrimitive]());
    else timers_cancel(timer);
  };

  function abortError(signal) {
    const error = node_error(Error, 'ABORT_ERR', 'The operation was aborted');
    error.name = 'AbortError';
    error.cause = signal.reason;
    return error;
  }

  function delayed(ms, value, options, immediate) {
    const signal = options && options.signal;
    return new Promise((resolve, reject) => {
      if (signal && signal.aborted) {
        reject(abortError(signal));
        return;
      }
      const onAbort = () => {
        timers_cancel(id);
        reject(abortError(signal));
      };
      const id = timers_arm(() => {
        if (signal) signal.removeEventListener('abort', onAbort);
        resolve(value);
      }, immediate ? 0 : ms, [], false);
      if (signal) signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function* setIntervalPromises(ms, value, options) {
    const signal = options && options.signal;
    while (true) {
      if (signal && signal.aborted) throw abortError(signal);
      await delayed(ms, undefined, options, false);
      yield value;
    }
  }

  const promises = {
    setTimeout: (ms, value, options) => delayed(ms, value, options, false),
    setImmediate: (value, options) => delayed(0, value, options, true),
    setInterval: setIntervalPromises,
    scheduler: {
      wait: (ms, options) => delayed(ms, undefined, options, false),
      yield: () => delayed(0, undefined, undefined, true),
    },
  };

  return {
    setTimeout: (callback, delay = 0, ...args) => new Timeout(callback, delay, args, false),
    setInterval: (callback, delay = 0, ...args) => new Timeout(callback, delay, args, true),
    setImmediate: (callback, ...args) => new Immediate(callback, args),
    clearTimeout: clear,
    clearInterval: clear,
    clearImmediate: clear,
    promises,
    active: () => {},
    unenroll: () => {},
    enroll: () => {},
  };
}

node_define('timers', node_makeTimers);
node_define('timers/promises', () => node_require('timers').promises);
