// WebAssembly from bytes is refused, as on Workers: no code is generated at run
// time (eval and new Function throw too), and a WebAssembly module could only
// come with an upload, which tenantd does not take. Every way to compile bytes
// fails the way the engine fails when its embedder disallows code generation:
// a WebAssembly.CompileError "WebAssembly.<what>(): Wasm code generation
// disallowed by embedder". Memory (gated in memory.js), Table, Global and
// validate() stay: they generate no code. The original constructors stay out of
// reach: the replaced Module is what its prototype's `constructor` names.
//
// Defines nothing for others.

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
  replace(WebAssembly, 'instantiate', { instantiate(source) { return refusedPromise('instantiate'); } }.instantiate);
  replace(WebAssembly, 'compileStreaming',
    { compileStreaming(source) { return refusedPromise('compileStreaming'); } }.compileStreaming);
  replace(WebAssembly, 'instantiateStreaming',
    { instantiateStreaming(source) { return refusedPromise('instantiateStreaming'); } }.instantiateStreaming);
}
