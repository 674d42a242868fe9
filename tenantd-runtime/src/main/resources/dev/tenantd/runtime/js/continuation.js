// Which request the running code belongs to, carried across await and promise reactions.
//
// The engine keeps one value per isolate, its continuation-preserved embedder data
// (ContinuationData.java), that it saves with every promise reaction, await and thenable job
// when it is made and makes current again while that runs. The runtime keeps a frame there:
// undefined, or { inv, als } where `inv` is the id of the invocation the code belongs to (0 for
// none) and `als` AsyncLocalStorage's map from storage to store (or undefined). A frame is never
// changed once made: the continuations made under it keep it.
//
// Two 32-bit cells shared with the host (CodeOwners.java) link frames and the host's view:
//   - cell 0, the owner of the running turn, written by the host: every entry point starts its
//     code in that invocation's frame and restores the frame it found;
//   - cell 1, written here before every host call: the invocation of the code making it. Code
//     that awaited a promise another request's I/O settled runs in that request's turn but in
//     its own frame, so its fetch() calls, timers and logs are its own request's.
// Without the engine's functions (a scratch isolate), a variable stands in, which follows
// synchronous code only.

let continuation_fallback;
const continuation_get = typeof host.continuation?.getContinuationPreservedEmbedderData === 'function'
  ? host.continuation.getContinuationPreservedEmbedderData
  : () => continuation_fallback;
const continuation_set = typeof host.continuation?.setContinuationPreservedEmbedderData === 'function'
  ? host.continuation.setContinuationPreservedEmbedderData
  : (value) => { continuation_fallback = value; };
host.continuation = undefined; // (not deleted: the host object keeps its shape, and its look-ups their speed)
// (The engine's own Int32Array: memory.js binds the gated typed arrays later.)
const continuation_owners = ObjectPrototypeToString(host.owners) === '[object ArrayBuffer]'
  ? new globalThis.Int32Array(host.owners, 0, 2)
  : new globalThis.Int32Array(2);
host.owners = undefined;

let continuation_lastInv = 0;
let continuation_lastFrame;

// The frame of invocation `inv` with AsyncLocalStorage's `als` (undefined: no store).
function continuation_frame(inv, als) {
  if (als !== undefined) return { inv, als };
  if (inv === 0) return undefined;
  if (inv !== continuation_lastInv) {
    continuation_lastInv = inv;
    continuation_lastFrame = { inv, als: undefined };
  }
  return continuation_lastFrame;
}

// The invocation of the running code (0: none).
function continuation_invocation() {
  const frame = continuation_get();
  return frame === undefined ? 0 : frame.inv;
}

// Replaces each function among `object`'s properties `names` with wrap(function).
function continuation_wrapFunctions(object, names, wrap) {
  for (let i = 0; i < names.length; i++) {
    const fn = object[names[i]];
    if (typeof fn === 'function') object[names[i]] = wrap(fn);
  }
  return object;
}

// Every host call says first which invocation its code belongs to. Done before any other
// runtime file takes a host function.
continuation_wrapFunctions(host, ReflectOwnKeys(host), (call) => function () {
  continuation_owners[1] = continuation_invocation();
  return ReflectApply(call, undefined, arguments);
});

// Every entry point runs its code in the frame of the turn's owner and puts back the frame it
// found (an entry point may be called while other code of the isolate is on the stack: a promise
// rejected with no handler is reported at once). Called on the entry points once all exist.
function continuation_guardEntryPoints(entries) {
  return continuation_wrapFunctions(entries, ObjectKeys(entries), (entry) => function () {
    const previous = continuation_get();
    continuation_set(continuation_frame(continuation_owners[0], undefined));
    try {
      return ReflectApply(entry, this, arguments);
    } finally {
      continuation_set(previous);
    }
  });
}
