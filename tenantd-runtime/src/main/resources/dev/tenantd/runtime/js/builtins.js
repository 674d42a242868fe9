// Built-in modules: what `import ... from 'cloudflare:...'` or `'node:...'` finds. Each is
// defined by the file that implements it and made the first time a worker imports it,
// once per isolate, after the worker's bindings and flags are known.
//
// Defined for others:
//   builtins_define(specifier, make, enabledBy)
//       make(flags) -> an object whose own properties are the module's exports
//       (`default` among them if it has one); enabledBy: undefined when the module is
//       always there, else a function (flags) -> whether the worker may import it,
//       and the hint to show when it may not (e.g. the flag to turn on)
//   builtins_module(specifier) (worker.js's builtinModule entry point)
//       -> the exports, a string saying why the worker may not import it, or
//          undefined when no built-in module has that name. A bare name (`buffer`)
//          is `node:buffer` when the nodejs_compat_v2 behaviour is on, as in workerd.

const builtins_defined = new SafeMap();
const builtins_made = new SafeMap();

function builtins_define(specifier, make, enabledBy, hint) {
  builtins_defined.set(specifier, { make, enabledBy, hint });
}

function builtins_module(specifier, flags) {
  // The node:* modules are defined by the node part (bootstrap.txt), loaded the first
  // time a worker asks for one (or at start-up, by worker.js, when its flags turn them on).
  if (StringPrototypeStartsWith(specifier, 'node:') || (flags.nodejs_compat_v2 === true
      && !StringPrototypeIncludes(specifier, ':'))) {
    lazy_load('node');
  }
  if (!StringPrototypeIncludes(specifier, ':')) {
    if (flags.nodejs_compat_v2 !== true || !builtins_defined.has(`node:${specifier}`)) return undefined;
    specifier = `node:${specifier}`;
  }
  const made = builtins_made.get(specifier);
  if (made !== undefined) return made;
  const definition = builtins_defined.get(specifier);
  if (definition === undefined) return undefined;
  if (definition.enabledBy !== undefined && !definition.enabledBy(flags)) {
    return `No such module "${specifier}": ${definition.hint}`;
  }
  const exports = definition.make(flags);
  builtins_made.set(specifier, exports);
  return exports;
}

// cloudflare:workers: what the Workers runtime exports for every worker. `env` is the
// worker's bindings, readable at module scope as well as in handlers; the base classes
// of entrypoints and RPC targets come from rpc.js.
// WorkflowEntrypoint is the base class of a Workflow's steps: a worker that defines one
// next to its fetch handler loads and serves (this platform runs no Workflows itself).
builtins_define('cloudflare:workers', () => {
  class WorkflowEntrypoint {
    constructor(ctx, env) {
      this.ctx = ctx;
      this.env = env;
    }
  }
  return { env: worker_env, WorkerEntrypoint, WorkflowEntrypoint, RpcTarget, DurableObject };
});

// cloudflare:workflows: the error a Workflow step throws to stop its retries.
builtins_define('cloudflare:workflows', () => {
  class NonRetryableError extends Error {
    constructor(message, name = 'NonRetryableError') {
      super(message);
      this.name = name;
    }
  }
  return { NonRetryableError, default: { NonRetryableError } };
});

// cloudflare:email: the message a worker hands to a send_email binding (sender, recipient and
// the raw RFC 5322 text or stream), so that code which builds one loads; this platform has no
// such binding to send it with.
builtins_define('cloudflare:email', () => {
  class EmailMessage {
    #from;
    #to;
    #raw;
    constructor(from, to, raw) {
      requireArguments(arguments.length, 3, "Failed to construct 'EmailMessage'");
      this.#from = String(from);
      this.#to = String(to);
      this.#raw = raw;
    }
    get from() { return this.#from; }
    get to() { return this.#to; }
    get raw() { return this.#raw; }
  }
  return { EmailMessage, default: { EmailMessage } };
});

// cloudflare:sockets: connect() and the Socket class come from the [sockets] part
// (sockets.js), loaded in the isolates whose worker imports the module.
builtins_define('cloudflare:sockets', () => {
  const { connect } = lazy_load('sockets');
  return { connect, default: { connect } };
});
