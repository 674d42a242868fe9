// WebAssembly from bytes a worker has at run time is refused, as on Workers: no
// code is generated at run time (eval and new Function throw too). Every way to
// compile bytes fails the way the engine fails when its embedder disallows code
// generation: a WebAssembly.CompileError "WebAssembly.<what>(): Wasm code
// generation disallowed by embedder". A WebAssembly module comes with an upload
// instead (a part of type application/wasm): it is compiled when imported, and
// its WebAssembly.Module is instantiated with WebAssembly.instantiate(module,
// imports) or new WebAssembly.Instance. Memory (gated in memory.js), Table, Global
// and validate() stay: they generate no code. The original constructors stay out
// of reach: the replaced Module is what its prototype's `constructor` names.
//
// Defines for others:
//   webassembly_compileUploaded(arrayBuffer) -> the WebAssembly.Module of an uploaded
//       module's bytes (its code counted against the isolate's memory)

let webassembly_compileUploaded = () => {
  throw new TypeError('WebAssembly is not available in this isolate');
};

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
  const replace = (holder, name, value) => ObjectDefineProperty(holder, name,
    { value, writable: true, configurable: true, enumerable: false });
  replace(WebAssembly, 'Module', RefusedModule);
  replace(OriginalModule.prototype, 'constructor', RefusedModule);
  // The same name and length as the functions they replace.
  replace(WebAssembly, 'compile', { compile(bytes) { return refusedPromise('compile'); } }.compile);
  // A module compiled from an upload instantiates; bytes do not. Before an instance is made, the
  // memories its module defines are counted (their initial size, or the maximum of one it does
  // not export); after, the memories it exports are kept track of at their size (memory.js).
  const originalInstantiate = WebAssembly.instantiate;
  const OriginalInstance = WebAssembly.Instance;
  const moduleExports = OriginalModule.exports;
  const memoryBuffer = ObjectGetOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer').get;
  const instanceExports = ObjectGetOwnPropertyDescriptor(OriginalInstance.prototype, 'exports').get;
  const memoryOfModule = new SafeWeakMap();
  const isModule = (value) => {
    try {
      ReflectApply(moduleExports, undefined, [value]);
      return true;
    } catch {
      return false;
    }
  };
  const isMemory = (value) => {
    try {
      ReflectApply(memoryBuffer, value, []);
      return true;
    } catch {
      return false;
    }
  };
  const beforeInstance = (module) => {
    const memories = memoryOfModule.get(module);
    if (memories === undefined || memories.defined === 0) return undefined;
    if (memories.unexportedUnbounded) {
      throw new RangeError('WebAssembly.Instance(): the module defines a memory it does not export and gives it no '
        + 'maximum: its size could not be counted against the memory limit. Export the memory, or give it a maximum.');
    }
    if (!memory_wasmRoom()) throw memory_tooManyMemories();
    memory_request(memories.initialBytes + memories.unexportedBytes, true);
    return memories;
  };
  const afterInstance = (instance, memories) => {
    if (memories === undefined) return instance;
    const exports = ReflectApply(instanceExports, instance, []);
    const names = ObjectKeys(exports);
    for (let i = 0; i < names.length; i++) {
      const value = exports[names[i]];
      if (isMemory(value)) memory_wasmMade(value);
    }
    if (memories.unexportedBytes > 0) memory_wasmHolds(instance, memories.unexportedBytes);
    memory_outsideMeasured();
    return instance;
  };
  replace(WebAssembly, 'instantiate', {
    instantiate(source, importObject = undefined) {
      if (!isModule(source)) return refusedPromise('instantiate');
      let memories;
      try {
        memories = beforeInstance(source);
      } catch (error) {
        return new Promise((resolve, reject) => reject(error));
      }
      return PromisePrototypeThen(ReflectApply(originalInstantiate, undefined, [source, importObject]),
        (instance) => afterInstance(instance, memories));
    },
  }.instantiate);
  const GatedInstance = new Proxy(OriginalInstance, {
    __proto__: null,
    construct(target, args, newTarget) {
      const memories = beforeInstance(args[0]);
      return afterInstance(ReflectConstruct(target, args, newTarget), memories);
    },
  });
  replace(WebAssembly, 'Instance', GatedInstance);
  replace(OriginalInstance.prototype, 'constructor', GatedInstance);
  // What the engine's code for a module takes, as a multiple of its size (an estimate of
  // baseline and optimized code together).
  const CODE_PER_BYTE = 4;
  webassembly_compileUploaded = (bytes) => {
    memory_countWasmCode(CODE_PER_BYTE * ArrayBufferPrototypeGetByteLength(bytes));
    const module = ReflectConstruct(OriginalModule, [bytes]);
    memoryOfModule.set(module, webassembly_memories(new memory_Uint8Array(bytes)));
    return module;
  };
  replace(WebAssembly, 'compileStreaming',
    { compileStreaming(source) { return refusedPromise('compileStreaming'); } }.compileStreaming);
  replace(WebAssembly, 'instantiateStreaming',
    { instantiateStreaming(source) { return refusedPromise('instantiateStreaming'); } }.instantiateStreaming);
}

// The memories a valid module binary defines (not imports): how many, their initial bytes, and
// the maximum bytes of those it does not export (unbounded when one of them has no maximum).
// Sections are read by their sizes; in the import section only what is needed to count the
// imported memories (which come first among the memory indices) is read. A binary this does
// not follow (a kind of import it does not know) counts every defined memory as not exported.
function webassembly_memories(b) {
  const PAGE = 65536;
  let at = 8;
  const leb = () => {
    let value = 0;
    let scale = 1;
    let byte;
    do {
      byte = b[at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while ((byte & 0x80) !== 0 && at < b.length);
    return value;
  };
  const skipName = () => {
    const length = leb();
    at += length;
  };
  const limits = () => {
    const flags = leb();
    const min = leb();
    const max = (flags & 1) !== 0 ? leb() : -1;
    return [min, max];
  };
  const skipValueType = () => {
    const type = b[at++];
    if (type === 0x63 || type === 0x64) leb();
  };
  let imported = 0;
  let importsKnown = true;
  const defined = [];
  const exported = new SafeSet();
  while (at < b.length) {
    const id = b[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      const count = leb();
      for (let i = 0; i < count && importsKnown; i++) {
        skipName();
        skipName();
        const kind = b[at++];
        if (kind === 0) leb();
        else if (kind === 1) {
          skipValueType();
          limits();
        } else if (kind === 2) {
          limits();
          imported++;
        } else if (kind === 3) {
          skipValueType();
          at++;
        } else if (kind === 4) {
          at++;
          leb();
        } else importsKnown = false;
      }
    } else if (id === 5) {
      const count = leb();
      for (let i = 0; i < count; i++) defined[defined.length] = limits();
    } else if (id === 7) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        skipName();
        const kind = b[at++];
        const index = leb();
        if (kind === 2) exported.add(index);
      }
    }
    at = end;
  }
  let initialBytes = 0;
  let unexportedBytes = 0;
  let unexportedUnbounded = false;
  for (let i = 0; i < defined.length; i++) {
    const min = defined[i][0];
    const max = defined[i][1];
    initialBytes += min * PAGE;
    if (importsKnown && exported.has(imported + i)) continue;
    if (max < 0) unexportedUnbounded = true;
    else unexportedBytes += max * PAGE;
  }
  return { defined: defined.length, initialBytes, unexportedBytes, unexportedUnbounded };
}
