// Parts of the runtime that only some workers use (the [name] sections of
// bootstrap.txt), loaded in an isolate the first time something needs them, so that
// other isolates neither hold their source nor build their functions.
//
// Defined for others:
//   lazy_load(name) -> the part's top-level declarations, as an object
//       (lazy_load('node').node_configure); loads the part on the first call
//   lazy_isLoaded(name) -> whether this isolate has loaded the part
//
// The host compiles a part from the runtime's own text (host.loadPart knows the parts
// by name and nothing else, and code generation from strings stays off), as a function
// whose parameters are the names of this scope the part uses. lazy_arguments(name),
// written by the host at the end of this scope, gives their values: the same
// primordials and functions every eager file sees, taken before any worker code ran.
// A `let` of this scope is passed with the value it has when the part loads (parts
// never assign one). Loading is synchronous, so whoever first touches a part pays for
// it, wherever that happens (a nested call, a microtask); the part's declarations are
// published only once its evaluation has finished, so nobody sees half of a part, and
// a load that failed (the turn was terminated, say) runs again in full next time.

const lazy_parts = new SafeMap();

function lazy_load(name) {
  let part = lazy_parts.get(name);
  if (part === undefined) {
    const body = host.loadPart(name);
    part = ReflectApply(body, undefined, lazy_arguments(name));
    lazy_parts.set(name, part);
  }
  return part;
}

function lazy_isLoaded(name) {
  return lazy_parts.has(name);
}
