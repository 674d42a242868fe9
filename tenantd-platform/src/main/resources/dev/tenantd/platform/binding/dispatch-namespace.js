// env.NAME of a dispatch_namespace binding: get(name, args, {limits, outbound}) returns a
// Fetcher whose fetch(request) runs the user worker `name` of the namespace.
//
// Dispatch workers written for the launch API (compatibility date before 2023-01-01)
// expect get() to throw at once for a missing worker, comparing e.message with exactly
// 'Error: Worker not found.'; later ones get a lazy lookup, and fetch() rejects instead.

const dispatch_key = Symbol('DispatchNamespace');

class DispatchNamespace {
  #channel;
  #eager;

  constructor(key, channel, eager) {
    if (key !== dispatch_key) throw new TypeError('Illegal constructor');
    this.#channel = channel;
    this.#eager = eager;
  }

  get(name, args = undefined, options = undefined) {
    requireArguments(arguments.length, 1, "Failed to execute 'get' on 'DispatchNamespace'");
    const script = webIdlToString(name, 'name');
    const channel = this.#channel;
    if (this.#eager && bindings_callNow(channel, 'exists', script) !== 'yes') {
      throw new Error('Error: Worker not found.');
    }
    const call = JSONStringify({ args: args ?? null, ...(options ?? {}), script });
    return bindings_fetcher(channel, 'dispatch', call);
  }
}
webIdlClass(DispatchNamespace);

bindings_define('dispatch_namespace',
  (channel, config, name, flags) => new DispatchNamespace(dispatch_key, channel, !flags.lazy_dispatch_lookup));
