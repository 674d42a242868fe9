// Bindings: what a worker finds on env. A value binding is copied in as it is; a
// channel binding is an object that the wrapper registered for its kind makes, and
// every call on that object reaches the host as (channel, operation, args, bytes).
// The runtime knows no binding kinds but the generic `fetcher`; each kind's wrapper
// comes with the script that defines the kind and registers itself here.
//
// Defined for others:
//   bindings_define(kind, make)  make(channel, config, name, flags) -> the object on env
//   bindings_call(channel, operation, args, bytes) -> Promise<{text, bytes}>
//       args: a string (JSON as the wrapper likes it); bytes: a Uint8Array or null;
//       the answer's bytes are a Uint8Array or null; a failure rejects with the host's error
//   bindings_callNow(channel, operation, args) -> string, answered without waiting
//   bindings_fetcher(channel, operation, args) -> a Fetcher: its fetch(request) is a call
//       that carries the request, answered with a Response; any other method is an RPC
//       call (operation 'rpc', args {target: args, method}), see rpc.js and rpc-calls.js
//   bindings_make(binding, flags)  (worker.js) the env value for one configured binding
// A channel with an empty name is a platform service, not on env: its maker installs
// globals with defineGlobal() and its return value is dropped.

const bindings_makers = new SafeMap();

function bindings_define(kind, make) {
  bindings_makers.set(kind, make);
}

function bindings_make(binding, flags) {
  if (binding.kind === undefined) return binding.value;
  const make = bindings_makers.get(binding.kind);
  if (make === undefined) throw new TypeError(`no wrapper is registered for binding kind '${binding.kind}'`);
  return make(binding.channel, binding.config, binding.name, flags);
}

function bindings_call(channel, operation, args, bytes) {
  const buffer = bytes === null || bytes === undefined ? null : bodyToHost(bytes);
  return fetch_hostCall(null, (id) => host.call(id, channel, operation, args, buffer));
}

function bindings_callNow(channel, operation, args) {
  const answer = host.callNow(channel, operation, args);
  if (StringPrototypeStartsWith(answer, '\0')) {
    const at = StringPrototypeIndexOf(answer, '\0', 1);
    const Type = fetch_errorTypes[StringPrototypeSlice(answer, 1, at)] ?? Error;
    throw new Type(StringPrototypeSlice(answer, at + 1));
  }
  return answer;
}

function bindings_fetcher(channel, operation = 'fetch', args = '') {
  return rpc_stub(fetch_fetcher(channel, operation, args), channel, args);
}

// Another worker reached with env.NAME.fetch(request): a service binding, static assets.
bindings_define('fetcher', (channel) => bindings_fetcher(channel));
