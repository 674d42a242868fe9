package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.BaseJavetScriptingException;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetScriptingError;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.IV8ModuleResolver;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.IV8Module;
import com.caoccao.javet.values.reference.V8Module;
import com.caoccao.javet.values.reference.V8ValueArray;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueError;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValuePromise;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Puts a worker's code into an isolate that has the runtime JavaScript: configures the
 * runtime for the worker (bindings, compatibility flags, script format, memory limit),
 * then runs its service-worker script or compiles, links and evaluates its ES modules
 * (and their Text, Data and JSON modules), resolved by name among the uploaded ones.
 * Runs inside the isolate's start-up turn; failures are {@link ScriptException}s with
 * the engine's message and the module and line.
 *
 * <p>{@code import(...)} in an ES module calls, after {@link DynamicImports} rewrote it, the
 * default export of a synthetic module made for that module alone, whose name holds a random
 * part no worker code can know. That function (worker.js's {@code dynamicImporter}) asks
 * {@link #importModule} to resolve the specifier exactly as a static import of the same module
 * would, then to link and evaluate what it found, at most once per isolate like any module.
 */
final class ScriptLoader {
    private static final Pattern ERROR_NAME = Pattern.compile("^(SyntaxError|TypeError|ReferenceError|RangeError|Error): ");

    /** The worker as uploaded: needed until {@link #load} returns, then let go of (its modules' text is large). */
    private WorkerSource source;
    /** Whose script it is: keys the code cache ({@link WorkerSource#owner()}). */
    private final String owner;
    /** Every module's name. */
    private final Set<String> moduleNames;
    /**
     * The modules not compiled yet, which a dynamic import may still ask for. A module's text is
     * dropped once it is compiled: the isolate has it, and a live worker holds no second copy of
     * its code on the Java heap.
     */
    private final Map<String, WorkerModule> uncompiled = new HashMap<>();
    /** The isolate's memory limit. */
    private long memoryLimitBytes = Long.MAX_VALUE;
    /** The engine's cap on one WebAssembly memory. */
    private long wasmMemoryCapBytes = Long.MAX_VALUE;
    private final V8Runtime runtime;
    private final V8ValueObject entry;
    private final Map<String, IV8Module> modules = new HashMap<>();
    private final Map<String, IV8Module> importers = new HashMap<>();
    /**
     * The promise of each evaluation a dynamic import started: importing the module again gets
     * the same one (the engine evaluates a module once and answers later calls with nothing).
     */
    private final Map<IV8Module, V8Value> evaluations = new HashMap<>();
    /** Why the engine's last call of the resolver failed: the engine reports it as its own error. */
    private ScriptException unresolved;
    private final String importerPrefix = "tenantd-import-" + HexFormat.of().formatHex(randomBytes()) + "/";

    /** Where compiled modules' code caches are kept. */
    private final ModuleCodeCache codeCaches;
    /** Modules compiled from source, by their cache key: their caches are written at the end of start-up. */
    private final Map<String, IV8Module> uncached = new HashMap<>();
    /** Modules whose cache holds no request's functions yet: written again after the first invocation. */
    private final Map<String, IV8Module> startupOnly = new HashMap<>();

    ScriptLoader(WorkerSource source, V8Runtime runtime, V8ValueObject entry, ModuleCodeCache codeCaches) {
        this.source = source;
        this.owner = source.owner();
        this.moduleNames = source.modules().stream().map(WorkerModule::name).collect(Collectors.toUnmodifiableSet());
        source.modules().forEach(m -> uncompiled.put(m.name(), m));
        this.runtime = runtime;
        this.entry = entry;
        this.codeCaches = codeCaches;
    }

    /** Whether some module's cache is to be written (again) after an invocation. */
    boolean hasUncachedModules() {
        return !uncached.isEmpty() || !startupOnly.isEmpty();
    }

    /**
     * Hands code caches to {@link ModuleCodeCache}: at the end of start-up those of the modules
     * compiled from source, after the first invocation those of every module whose cache holds
     * start-up's functions only (then it also holds the ones the invocations so far compiled).
     */
    void writeCodeCaches(boolean afterInvocation) {
        Map<String, IV8Module> due = new HashMap<>(uncached);
        if (afterInvocation) {
            due.putAll(startupOnly);
            startupOnly.clear();
        } else {
            startupOnly.putAll(uncached);
        }
        uncached.clear();
        due.forEach((key, module) -> {
            try {
                codeCaches.write(key, ((com.caoccao.javet.values.reference.V8Module) module).getCachedData(), afterInvocation);
            } catch (JavetException | RuntimeException e) {
                // no cache then; the module compiles from source next time
            }
        });
    }

    /**
     * Configures the isolate for the worker and runs its top-level code, its memory limit given
     * and the size past which the engine grows no WebAssembly memory.
     */
    void load(long memoryLimitBytes, long wasmMemoryCapBytes) throws JavetException {
        this.wasmMemoryCapBytes = wasmMemoryCapBytes;
        try {
            loadSource(memoryLimitBytes);
        } finally {
            source = null;
        }
    }

    private void loadSource(long memoryLimitBytes) throws JavetException {
        String flags = CompatibilityFlags.resolveJson(source.compatibilityDate(), source.compatibilityFlags());
        String format = source.isServiceWorker() ? "service-worker" : "modules";
        String problem = entry.invokeString("configure",
                runtime.createV8ValueDouble(System.currentTimeMillis()),
                runtime.createV8ValueString(source.scriptName()),
                runtime.createV8ValueString(bindingsJson()),
                runtime.createV8ValueString(flags),
                runtime.createV8ValueString(format),
                runtime.createV8ValueDouble(memoryLimitBytes));
        if (!problem.isEmpty()) {
            throw new ScriptException(problem);
        }
        WorkerModule main = source.main();
        if (source.isServiceWorker()) {
            for (WorkerModule module : uncompiled.values()) {
                if (module.type() == ModuleType.WASM) {
                    throw new ScriptException("WebAssembly module \"" + module.name() + "\" cannot be used by a "
                            + "service-worker script: WebAssembly modules are imported by ES modules (upload the "
                            + "worker as an ES module, main_module in the metadata)");
                }
            }
            try {
                uncompiled.clear();
                runtime.getExecutor(utf8(main.content())).setResourceName(main.name()).executeVoid();
            } catch (BaseJavetScriptingException e) {
                throw new ScriptException(describe(e.getScriptingError(), main.name()));
            }
            problem = entry.invokeString("checkServiceWorker");
        } else {
            runtime.setV8ModuleResolver(new Resolver());
            // Every WebAssembly module compiles now, imported or not yet: one that cannot be
            // used fails the upload rather than a later import().
            this.memoryLimitBytes = memoryLimitBytes;
            for (WorkerModule wasm : uncompiled.values().stream().filter(m -> m.type() == ModuleType.WASM).toList()) {
                compile(wasm.name());
            }
            IV8Module module = compile(main.name());
            module.instantiate();
            // Promise jobs run as evaluate() returns (V8's automatic microtask checkpoint), so a
            // top-level await that can settle has settled here. Nothing else is waited for:
            // pumping the platform's task queue here ran one of V8's own pending jobs (1-3 ms)
            // in every worker's start-up, and no job of it can settle a module's evaluation.
            try (V8Value evaluation = module.evaluate()) {
                if (evaluation instanceof V8ValuePromise promise && promise.isPending()
                        && module.getStatus() != IV8Module.Errored) {
                    throw new ScriptException("Disallowed operation called within global scope: the main module's "
                            + "top-level await is still waiting at the end of start-up (fetch() and calls through "
                            + "bindings work only while handling a request).");
                }
            }
            if (module.getStatus() == IV8Module.Errored) {
                try (V8ValueError error = module.getException()) {
                    throw new ScriptException("Uncaught " + error.getStack());
                }
            }
            try (V8Value namespace = module.getNamespace()) {
                problem = entry.invokeString("setModuleExports", namespace);
            }
        }
        if (!problem.isEmpty()) {
            throw new ScriptException(problem);
        }
    }

    private IV8Module compile(String name) throws JavetException {
        IV8Module cached = modules.get(name);
        if (cached != null) {
            return cached;
        }
        WorkerModule module = uncompiled.get(name);
        if (module == null) {
            throw new ScriptException("No such module \"" + name + "\" among the uploaded modules");
        }
        IV8Module compiled = switch (module.type()) {
            case ES_MODULE -> {
                String code = utf8(module.content());
                String importer = importerPrefix + importers.size();
                Optional<String> rewritten = DynamicImports.rewrite(code, importer);
                if (rewritten.isPresent()) {
                    importers.put(importer, importer(importer, name));
                    code = rewritten.get();
                }
                // Rewritten code holds this isolate's random importer name: never the same twice.
                String key = rewritten.isEmpty() && ModuleCodeCache.worthCaching(module.content())
                        ? codeCaches.key(owner, name, module.content())
                        : null;
                ModuleCodeCache.Cached codeCache = key == null ? null : codeCaches.read(key).orElse(null);
                try {
                    IV8Module compiledModule = runtime.getExecutor(code, codeCache == null ? null : codeCache.data())
                            .setResourceName(name).setModule(true).compileV8Module();
                    if (key != null && codeCache == null) {
                        uncached.put(key, compiledModule);
                    } else if (key != null && !codeCache.afterInvocation()) {
                        startupOnly.put(key, compiledModule);
                    }
                    yield compiledModule;
                } catch (BaseJavetScriptingException e) {
                    throw new ScriptException(describe(e.getScriptingError(), name));
                }
            }
            case SERVICE_WORKER -> throw new ScriptException(
                    "module \"" + name + "\" is a service-worker script and cannot be imported");
            case TEXT -> synthetic(name, runtime.createV8ValueString(utf8(module.content())));
            case DATA -> {
                V8ValueArrayBuffer buffer = runtime.createV8ValueArrayBuffer(module.content().length);
                buffer.fromBytes(module.content());
                yield synthetic(name, buffer);
            }
            case JSON -> synthetic(name, entry.invoke("parseJson", runtime.createV8ValueString(utf8(module.content()))));
            case WASM -> synthetic(name, compileWasm(name, module.content()));
        };
        modules.put(name, compiled);
        uncompiled.remove(name);
        return compiled;
    }

    /**
     * The runtime's module of that name, made once per isolate; null when the runtime has none,
     * so that an uploaded module of the same name is looked for.
     */
    private IV8Module builtin(String specifier) throws JavetException {
        IV8Module cached = modules.get(specifier);
        if (cached != null) {
            return cached;
        }
        try (V8Value exports = entry.invoke("builtinModule", runtime.createV8ValueString(specifier))) {
            if (exports instanceof V8ValueString problem) {
                throw new ScriptException(problem.getValue());
            }
            if (!(exports instanceof V8ValueObject object)) {
                return null;
            }
            V8Module module = runtime.createV8Module(specifier, object);
            modules.put(specifier, module);
            return module;
        }
    }

    /** The synthetic module whose default export is the {@code import()} of the module named {@code referrer}. */
    private IV8Module importer(String specifier, String referrer) throws JavetException {
        IJavetDirectCallable.NoThisAndResult<Exception> load = args -> importModule(referrer,
                args.length > 0 && args[0] instanceof V8ValueString text ? text.getValue() : "");
        try (V8ValueFunction function = runtime.createV8ValueFunction(
                new JavetCallbackContext("importModule", JavetCallbackType.DirectCallNoThisAndResult, load))) {
            return synthetic(specifier, entry.invoke("dynamicImporter", function));
        }
    }

    /**
     * {@code import(specifier)} from the module {@code referrer}, at call time: [the promise of
     * its evaluation, its namespace], or [error name, message] when it cannot be found, compiled
     * or linked (what a static import would refuse at start-up).
     */
    private V8Value importModule(String referrer, String specifier) throws JavetException {
        String failure;
        unresolved = null;
        try {
            IV8Module module = resolve(referrer, specifier);
            module.instantiate();
            V8Value evaluation = evaluations.get(module);
            if (evaluation == null) {
                V8Value started = module.evaluate();
                if (started instanceof V8ValuePromise) {
                    evaluations.put(module, started);
                    evaluation = started;
                } else {
                    started.close();
                }
            }
            V8ValueArray result = runtime.createV8ValueArray();
            if (evaluation == null && module.getStatus() == IV8Module.Errored) {
                // Evaluated (and failed) as part of another module's graph: the error it threw.
                try (V8Value error = module.getException()) {
                    result.push(runtime.createV8ValueNull(), error);
                } catch (ClassCastException notAnError) {
                    result.push("Error", "module \"" + module.getResourceName() + "\" threw when it was evaluated");
                }
                return result;
            }
            try (V8Value namespace = module.getNamespace()) {
                result.push(evaluation == null ? runtime.createV8ValueUndefined() : evaluation, namespace);
            }
            return result;
        } catch (ScriptException e) {
            failure = e.getMessage();
        } catch (BaseJavetScriptingException e) {
            failure = unresolved != null ? unresolved.getMessage() : describe(e.getScriptingError(), referrer);
        }
        // A compile error reads as it would at start-up ("Uncaught SyntaxError: ... at b.js:1:5").
        if (failure.startsWith("Uncaught ")) {
            failure = failure.substring("Uncaught ".length());
        }
        Matcher named = ERROR_NAME.matcher(failure);
        boolean typed = named.find();
        V8ValueArray result = runtime.createV8ValueArray();
        result.push(typed ? named.group(1) : "Error", typed ? failure.substring(named.end()) : failure);
        return result;
    }

    /**
     * Compiles an uploaded WebAssembly module into a {@code WebAssembly.Module} with the engine's
     * constructor, which worker code cannot reach (a worker cannot compile bytes itself), and tells
     * the runtime which memories an instance of it allocates and by which exports it finds them.
     */
    private V8Value compileWasm(String name, byte[] content) throws JavetException {
        WasmMemories memories = WasmMemories.of(name, content);
        if (memories.initialBytes() > memoryLimitBytes) {
            throw new ScriptException("WebAssembly module \"" + name + "\" starts with " + memories.initialBytes() / 1024
                    + " KiB of memory, more than the worker's memory limit of " + memoryLimitBytes / 1024
                    + " KiB: declare a smaller initial memory");
        }
        try (V8ValueArrayBuffer buffer = runtime.createV8ValueArrayBuffer(content.length);
             V8ValueArray exportNames = runtime.createV8ValueArray();
             V8ValueArray maxima = runtime.createV8ValueArray()) {
            buffer.fromBytes(content);
            for (int i = 0; i < memories.exportNames().size(); i++) {
                exportNames.push(memories.exportNames().get(i));
                maxima.push(runtime.createV8ValueDouble(memories.maximumPages().get(i)));
            }
            V8Value compiled = entry.invoke("compileWasm", buffer,
                    runtime.createV8ValueDouble(memories.initialBytes()), exportNames, maxima,
                    runtime.createV8ValueDouble(wasmMemoryCapBytes), runtime.createV8ValueBoolean(memories.mayLeak()));
            if (compiled instanceof V8ValueString problem) {
                try (problem) {
                    throw new ScriptException("WebAssembly module \"" + name + "\" does not compile: " + problem.getValue());
                }
            }
            return compiled;
        }
    }

    private V8Module synthetic(String name, V8Value value) throws JavetException {
        try (V8ValueObject exports = runtime.createV8ValueObject()) {
            exports.set("default", value);
            value.close();
            return runtime.createV8Module(name, exports);
        }
    }

    /** The module a static import of {@code specifier} in the module named {@code referrer} finds. */
    private IV8Module resolve(String referrer, String specifier) throws JavetException {
        IV8Module importer = importers.get(specifier);
        if (importer != null) {
            return importer;
        }
        if (ModuleNames.isBuiltin(specifier)) {
            IV8Module builtin = builtin(specifier);
            if (builtin != null) {
                return builtin;
            }
        }
        String name = ModuleNames.resolve(referrer, specifier);
        if (!moduleNames.contains(name) && ModuleNames.isBare(specifier)) {
            // An uploaded module of that name comes first; then `buffer` may be `node:buffer`.
            IV8Module builtin = builtin(specifier);
            if (builtin != null) {
                return builtin;
            }
        }
        if (!moduleNames.contains(name)) {
            throw new ScriptException("No such module \"" + specifier + "\" imported from \""
                    + (referrer.isEmpty() ? "?" : referrer) + "\"");
        }
        return compile(name);
    }

    private final class Resolver implements IV8ModuleResolver {
        @Override
        public String getAbsoluteResourceName(V8Runtime v8Runtime, String specifier, IV8Module referrer)
                throws JavetException {
            return importers.containsKey(specifier) || ModuleNames.isBuiltin(specifier) ? specifier
                    : ModuleNames.resolve(referrer == null ? "" : referrer.getResourceName(), specifier);
        }

        @Override
        public IV8Module resolve(V8Runtime v8Runtime, String specifier, IV8Module referrer) throws JavetException {
            try {
                return ScriptLoader.this.resolve(referrer == null ? "" : referrer.getResourceName(), specifier);
            } catch (ScriptException e) {
                unresolved = e;
                throw e;
            }
        }
    }

    private String bindingsJson() {
        StringBuilder json = new StringBuilder("[");
        for (Binding b : source.bindings()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"name\":").append(Json.quote(b.name())).append(',');
            switch (b) {
                case Binding.Value v -> json.append("\"value\":").append(v.json());
                case Binding.Channel c -> json.append("\"kind\":").append(Json.quote(c.kind()))
                        .append(",\"channel\":").append(c.channel())
                        .append(",\"config\":").append(c.config());
            }
            json.append('}');
        }
        return json.append(']').toString();
    }

    /** Closes the compiled modules (the isolate is being discarded). */
    void close() throws JavetException {
        for (IV8Module module : modules.values()) {
            module.close();
        }
        modules.clear();
        for (V8Value evaluation : evaluations.values()) {
            evaluation.close();
        }
        evaluations.clear();
        for (IV8Module importer : importers.values()) {
            importer.close();
        }
        importers.clear();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The engine's message with the module and line, e.g. {@code Uncaught SyntaxError: ... at worker.js:4:3}. */
    static String describe(JavetScriptingError error, String moduleName) {
        String message = error.getDetailedMessage() == null || error.getDetailedMessage().isBlank()
                ? String.valueOf(error.getMessage()) : error.getDetailedMessage();
        if (message.startsWith("Uncaught ")) {
            message = message.substring("Uncaught ".length());
        }
        String resource = error.getResourceName() == null || error.getResourceName().isEmpty()
                ? moduleName : error.getResourceName();
        return "Uncaught " + message + " at " + resource + ":" + error.getLineNumber() + ":" + (error.getStartColumn() + 1);
    }

}
