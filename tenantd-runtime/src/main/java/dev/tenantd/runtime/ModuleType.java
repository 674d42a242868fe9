package dev.tenantd.runtime;

/** How a module's bytes become something a worker can import. */
public enum ModuleType {
    /** An ECMAScript module. */
    ES_MODULE,
    /** A classic script using {@code addEventListener('fetch', ...)}. */
    SERVICE_WORKER,
    /** Imported as a string (the default export). */
    TEXT,
    /** Imported as an ArrayBuffer (the default export). */
    DATA,
    /** Imported as the parsed JSON value (the default export). */
    JSON,
    /** A WebAssembly module, imported as a compiled {@code WebAssembly.Module} (the default export). */
    WASM
}
