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
  // A module compiled from an upload instantiates; bytes do not.
  const originalInstantiate = WebAssembly.instantiate;
  const moduleExports = OriginalModule.exports;
  const isModule = (value) => {
    try {
      ReflectApply(moduleExports, undefined, [value]);
      return true;
    } catch {
      return false;
    }
  };
  replace(WebAssembly, 'instantiate', {
    instantiate(source, importObject = undefined) {
      if (!isModule(source)) return refusedPromise('instantiate');
      return ReflectApply(originalInstantiate, undefined, [source, importObject]);
    },
  }.instantiate);
  // What the engine's code for a module takes, as a multiple of its size (an estimate of
  // baseline and optimized code together).
  const CODE_PER_BYTE = 4;
  webassembly_compileUploaded = (bytes) => {
    memory_countWasmCode(CODE_PER_BYTE * ArrayBufferPrototypeGetByteLength(bytes));
    return ReflectConstruct(OriginalModule, [bytes]);
  };
  replace(WebAssembly, 'compileStreaming',
    { compileStreaming(source) { return refusedPromise('compileStreaming'); } }.compileStreaming);
  replace(WebAssembly, 'instantiateStreaming',
    { instantiateStreaming(source) { return refusedPromise('instantiateStreaming'); } }.instantiateStreaming);
}
