// WebAssembly from bytes is refused, as on Workers: no code is generated at run
// time (eval and new Function throw too). Every way a worker could compile bytes
// fails the way the engine fails when its embedder disallows code generation:
// a WebAssembly.CompileError "WebAssembly.<what>(): Wasm code generation
// disallowed by embedder". Memory (gated in memory.js), Table, Global and
// validate() stay: they generate no code. The original constructors stay out of
// reach: the replaced Module is what its prototype's `constructor` names.
//
// The modules a worker has are those uploaded with it (parts of type
// application/wasm), compiled by the loader with the original constructor
// (wasm_compile) and imported as WebAssembly.Module objects. An instance of one is
// made by the gated Instance constructor or instantiate(module, imports), which
// count the memories the module defines against the memory limit before the
// engine allocates them and track them afterwards as memory.js tracks the ones
// `new WebAssembly.Memory` makes. The module's own code may grow a memory without
// asking (memory.grow): the engine caps every memory at the engine's memory limit,
// and what the memories hold is counted at the next measure (every allocation that
// needs room, and the host's check after each turn of an isolate that has
// instances). So that growth within one turn stays bounded too, an instance is
// made only while the memories of the isolate can grow to at most
// wasm_reachableLimits times the memory limit together. An instance that failed
// while being made but may still be reachable (a start function or element segments
// can hand out its functions) counts for good at the most its memories can grow to.
//
// Defines for others:
//   wasm_compile(buffer, initialBytes, memoryExports, maxima, capBytes, mayLeak)
//                                  the loader's compile of an uploaded module: the Module,
//                                  or why not (a string)
//   wasm_settle()                  between turns: gives up counts of instances a turn's end cut off

let wasm_compile = () => 'WebAssembly is not available in this engine';
let wasm_settle = () => {};

// What the isolate's memories can grow to together, as a multiple of the memory limit.
const wasm_reachableLimits = 4;
// The engine's cap on one memory (the loader tells it with the first module).
let wasm_capBytes = Infinity;

function wasm_reachable(maximumPages) {
  return maximumPages < 0 ? wasm_capBytes : MathMin(wasm_capBytes, maximumPages * 65536);
}

// What the memories made can grow to together: added up as each is made (memory.js hands
// them to the host), and with `recount` counted again by the host, which holds them weakly,
// over those still alive (a caller that has just had garbage collected recounts).
let wasm_trackedReachable = 0;

function wasm_memoryMade(maximumPages) {
  wasm_trackedReachable += wasm_reachable(maximumPages);
}

function wasm_reachableBytes(recount) {
  if (recount) wasm_trackedReachable = host.wasmMemoriesReachable(wasm_capBytes);
  return wasm_trackedReachable;
}

if (typeof WebAssembly === 'object') {
  const CompileError = WebAssembly.CompileError;
  const refusal = (what) => new CompileError(`WebAssembly.${what}(): Wasm code generation disallowed by embedder`);
  const refusedPromise = (what) => new Promise((resolve, reject) => reject(refusal(what)));
  const OriginalModule = WebAssembly.Module;
  const RefusedModule = new Proxy(OriginalModule, {
    __proto__: null,
    apply() {
      throw new TypeError("WebAssembly.Module must be invoked with 'new'");
    },
    construct() {
      throw refusal('Module');
    },
  });
  // What the loader compiled: module -> [bytes its memories take when an instance is made,
  // the names under which an instance exports them, the maximum (pages, or -1) of each,
  // whether an instance that failed may still be reachable].
  const modules = new SafeWeakMap();
  wasm_compile = (buffer, initialBytes, memoryExports, maxima, capBytes, mayLeak) => {
    wasm_capBytes = capBytes;
    let module;
    try {
      module = ReflectConstruct(OriginalModule, [buffer]);
    } catch (error) {
      return `${error}`;
    }
    modules.set(module, [initialBytes, copyList(memoryExports), copyList(maxima), mayLeak]);
    return module;
  };

  const OriginalInstance = WebAssembly.Instance;
  const instanceExports = ObjectGetOwnPropertyDescriptor(OriginalInstance.prototype, 'exports').get;
  const mb = (bytes) => `${MathFloor(bytes / 1048576)} MB`;
  // What memories of instances being made (an import's getter may make another) can grow to,
  // the part of it of modules whose failed instances may still be reachable, and what memories
  // of such failed instances can grow to.
  let pendingReachable = 0;
  let pendingMayLeak = 0;
  let lostReachable = 0;
  // Memories that may have been lost are counted at their largest, for good: they may still be
  // alive and grow out of sight.
  const lose = (reachable) => {
    lostReachable += reachable;
    memory_wasmLost += reachable;
    host.wasmInstanceMade(true);
  };
  // Between turns no instance is being made: what is still pending was cut off by the end of a
  // turn (a limit), which skips every catch and finally.
  wasm_settle = () => {
    if (pendingMayLeak > 0) lose(pendingMayLeak);
    memory_wasmPending = 0;
    pendingReachable = 0;
    pendingMayLeak = 0;
  };
  // The memories of one more instance, which can grow to `more`, fit in what the isolate's
  // memories may grow to, or a RangeError says why not.
  const admit = (more) => {
    const allowed = wasm_reachableLimits * memory_limit;
    if (wasm_reachableBytes(false) + pendingReachable + lostReachable + more <= allowed) return;
    const measured = host.collectGarbage(false);
    if (measured >= 0) memory_measured(measured);
    const reachable = wasm_reachableBytes(true) + pendingReachable + lostReachable + more;
    if (reachable <= allowed) return;
    throw new RangeError(`WebAssembly.Instance(): the isolate's WebAssembly memories could grow to ${mb(reachable)} `
      + `together with this instance's, more than ${wasm_reachableLimits} times its memory limit of `
      + `${mb(memory_limit)}: keep fewer instances alive, or give the module's memory a smaller maximum`);
  };
  let instancesMade = false;
  const instantiate = (module, importObject, newTarget) => {
    const known = modules.get(module);
    // Anything else is refused by the engine, as it refuses it (a TypeError).
    if (known === undefined) return ReflectConstruct(OriginalInstance, [module, importObject], newTarget);
    const bytes = known[0];
    const names = known[1];
    const maxima = known[2];
    let reachable = 0;
    let tracked = 0;
    for (let i = 0; i < maxima.length; i++) {
      reachable += wasm_reachable(maxima[i]);
      if (maxima[i] !== 0) tracked++;
    }
    admit(reachable);
    memory_wasmRoom(tracked, 'Instance');
    if (bytes > 0) memory_request(bytes, true);
    if (!instancesMade) {
      instancesMade = true;
      host.wasmInstanceMade(false);
    }
    // Worker code runs while the instance is made (the import object's getters, the start
    // function's imports): until the instance is there and its memories are tracked, they
    // count as pending (a limit that ends the turn meanwhile leaves them to wasm_settle).
    const mayLeak = known[3] ? reachable : 0;
    memory_wasmPending += bytes;
    pendingReachable += reachable;
    pendingMayLeak += mayLeak;
    let instance;
    try {
      instance = ReflectConstruct(OriginalInstance, [module, importObject], newTarget);
      memory_count(bytes, true);
      // The exports object is the engine's: frozen, with no prototype and no accessors.
      const exported = ReflectApply(instanceExports, instance, []);
      for (let i = 0; i < names.length; i++) memory_wasmMade(exported[names[i]], maxima[i], 'Instance');
    } catch (error) {
      // A start function may have handed out a function of the instance, or element segments
      // written one into an imported table, which keeps its memories alive out of reach.
      if (mayLeak > 0) lose(mayLeak);
      throw error;
    } finally {
      memory_wasmPending -= bytes;
      pendingReachable -= reachable;
      pendingMayLeak -= mayLeak;
    }
    return instance;
  };
  const GatedInstance = new Proxy(OriginalInstance, {
    __proto__: null,
    construct(target, args, newTarget) {
      return instantiate(args[0], args[1], newTarget);
    },
  });
  const OriginalInstantiate = WebAssembly.instantiate;

  const replace = (holder, name, value) => ObjectDefineProperty(holder, name,
    { value, writable: true, configurable: true, enumerable: false });
  replace(WebAssembly, 'Module', RefusedModule);
  replace(OriginalModule.prototype, 'constructor', RefusedModule);
  replace(WebAssembly, 'Instance', GatedInstance);
  replace(OriginalInstance.prototype, 'constructor', GatedInstance);
  // The same name and length as the functions they replace.
  replace(WebAssembly, 'compile', { compile(bytes) { return refusedPromise('compile'); } }.compile);
  replace(WebAssembly, 'instantiate', {
    instantiate(source) {
      const importObject = arguments[1];
      if (modules.has(source)) {
        // Made at once, as the engine makes an instance of a compiled module, and handed over
        // by a promise.
        try {
          return PromiseResolve(instantiate(source, importObject, OriginalInstance));
        } catch (error) {
          return PromiseReject(error);
        }
      }
      if (memory_isArrayBuffer(source) || ArrayBufferIsView(source)) return refusedPromise('instantiate');
      // Neither bytes nor a module: the engine rejects it (a TypeError) without compiling.
      return ReflectApply(OriginalInstantiate, WebAssembly, [source, importObject]);
    },
  }.instantiate);
  // A module's custom sections are copied into new buffers: counted as they are made (their
  // size is at most the module's).
  const originalCustomSections = OriginalModule.customSections;
  replace(OriginalModule, 'customSections', {
    customSections(moduleObject, sectionName) {
      const sections = ReflectApply(originalCustomSections, OriginalModule, [moduleObject, sectionName]);
      let bytes = 0;
      for (let i = 0; i < sections.length; i++) bytes += ArrayBufferPrototypeGetByteLength(sections[i]);
      memory_request(bytes, true);
      memory_count(bytes, true);
      return sections;
    },
  }.customSections);
  // JavaScript promise integration would let a module's calls suspend, each on a stack of
  // its own outside the heap that no limit counts: not offered.
  delete WebAssembly.Suspending;
  delete WebAssembly.promising;
  delete WebAssembly.SuspendError;
  replace(WebAssembly, 'compileStreaming',
    { compileStreaming(source) { return refusedPromise('compileStreaming'); } }.compileStreaming);
  replace(WebAssembly, 'instantiateStreaming',
    { instantiateStreaming(source) { return refusedPromise('instantiateStreaming'); } }.instantiateStreaming);
}
