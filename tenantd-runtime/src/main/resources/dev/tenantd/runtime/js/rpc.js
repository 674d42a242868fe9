// JS RPC: a worker calls methods of another worker's entrypoint through a service
// binding or a dispatch namespace's stub (`await env.SVC.add(1, 2)`). Each call is a
// channel call (operation 'rpc') that the host runs as a new invocation of the target
// worker, in its own isolate: the arguments leave this isolate as bytes (structured
// clone records written as JSON), and the result or the error thrown comes back the
// same way. Nothing but those bytes crosses between isolates. This file holds what every
// isolate needs (the base classes, the stubs); serializing, calling and serving are the
// [rpc] part of bootstrap.txt (rpc-calls.js), loaded at an isolate's first RPC call, made
// or served.
//
// Defined for others:
//   WorkerEntrypoint, RpcTarget, DurableObject: the base classes cloudflare:workers exports
//   rpc_stub(fetcher, channel, args) -> the object a worker holds for another worker: the
//       Fetcher's own members, and a method caller for every other name
//   rpc_isEntrypointClass(value) -> whether an export is a class extending WorkerEntrypoint
//   rpc_serve(id, entrypoint, method, bytes, propsJson) (worker.js's rpc entry point): one
//       call of this worker's entrypoint; answers with host.complete, status 200 and the
//       result's bytes, or 500 and the bytes of the error the method threw
//   rpc_serveExport(id, call, position, method, bytes) (worker.js's callExport entry point): a target
//       calls a function or RpcTarget this isolate passed it; answers with host.exportReturned

class WorkerEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

class RpcTarget {}

class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

// Taken before any worker code runs: the stub below uses the first two, the rpc part the
// other two.
const rpc_FunctionPrototypeBind = uncurryThis(Function.prototype.bind);
const rpc_ReflectGet = Reflect.get;
const rpc_ObjectHasOwn = Object.hasOwn;
const rpc_ObjectPrototype = Object.prototype;

function rpc_isEntrypointClass(value) {
  if (typeof value !== 'function') return false;
  let proto = value.prototype;
  while (proto !== null && typeof proto === 'object') {
    if (proto === WorkerEntrypoint.prototype) return true;
    proto = ObjectGetPrototypeOf(proto);
  }
  return false;
}

// The Fetcher's own members (fetch) keep working; `then` is left out so that a stub is
// never mistaken for a promise; every other string names a method of the target.
function rpc_stub(fetcher, channel, target) {
  return new Proxy(fetcher, {
    get(object, name) {
      if (typeof name === 'symbol' || name === 'then') return rpc_ReflectGet(object, name);
      if (name in object) {
        const value = rpc_ReflectGet(object, name);
        return typeof value === 'function' ? rpc_FunctionPrototypeBind(value, object) : value;
      }
      const method = name;
      return function (...args) {
        // A call answers with a promise, even when loading the rpc part fails.
        try {
          return lazy_load('rpc').rpc_call(channel, target, method, args);
        } catch (error) {
          return PromiseReject(error);
        }
      };
    },
  });
}

// The entry points (worker.js): an RPC call of this worker, and a call back into what this
// isolate passed to another worker. The work is the rpc part's.
function rpc_serve(id, entrypoint, method, bytes, propsJson) {
  return lazy_load('rpc').rpc_answer(id, entrypoint, method, bytes, propsJson, worker_env);
}

function rpc_serveExport(id, callId, position, method, bytes) {
  return lazy_load('rpc').rpc_answerExport(id, callId, position, method, bytes);
}
