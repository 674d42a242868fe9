package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8Script;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.util.Map;

/**
 * An isolate with the runtime JavaScript already evaluated and no worker in it
 * yet. Shells are made ahead of need (pre-warmed) so that loading a worker only
 * compiles and evaluates the worker's own modules. The host functions a shell
 * exposes forward to the handlers of the worker that adopts it.
 */
final class IsolateShell {
    /**
     * How far the heap limit is raised when it is reached (the isolate is terminated at the
     * same moment). It must fit the largest single object V8 can be asked to allocate (an
     * array or a string of up to 1 GB): with less, that allocation fails and V8 aborts the
     * whole process. Only the allocation in flight uses it before the termination lands.
     */
    private static final long HEAP_HEADROOM_BYTES = 1280L * 1024 * 1024;

    /** Where a worker gets its shell: the engine's pre-warmed ones, or one made for the purpose. */
    @FunctionalInterface
    interface Source {
        IsolateShell take() throws JavetException;
    }

    @FunctionalInterface
    interface HostFunction {
        V8Value call(V8Value[] args) throws Exception;
    }

    final V8Runtime runtime;
    final V8ValueObject entry;
    /** Which invocation the isolate's code belongs to, shared with its JavaScript. */
    final CodeOwners codeOwners;
    /** The compiled runtime JavaScript, kept only by a shell made to record a code cache, until it is taken. */
    private V8Script bootstrapScript;
    private final Map<String, RuntimeScripts.Part> parts;
    private volatile Map<HostCall, HostFunction> handlers = Map.of();
    private volatile Runnable onHeapLimit = () -> {
    };
    private volatile Runnable afterGc = () -> {
    };
    private volatile com.caoccao.javet.interop.callback.IJavetPromiseRejectCallback onRejection = (event, promise, value) -> {
    };

    private IsolateShell(V8Runtime runtime, V8ValueObject entry, CodeOwners codeOwners, V8Script bootstrapScript,
            Map<String, RuntimeScripts.Part> parts) {
        this.runtime = runtime;
        this.entry = entry;
        this.codeOwners = codeOwners;
        this.bootstrapScript = bootstrapScript;
        this.parts = parts;
    }

    /**
     * Hands the shell to a worker: its host calls, heap-limit signal, collections and promises
     * rejected with no handler go there from now on.
     */
    void adopt(Map<HostCall, HostFunction> workerHandlers, Runnable workerOnHeapLimit, Runnable workerAfterGc,
            com.caoccao.javet.interop.callback.IJavetPromiseRejectCallback workerOnRejection) {
        if (workerHandlers.size() != HostCall.values().length - 1 || workerHandlers.containsKey(HostCall.LOAD_PART)) {
            throw new IllegalStateException("a worker must answer every host call; it answers " + workerHandlers.keySet());
        }
        this.handlers = new java.util.EnumMap<>(workerHandlers);
        this.onHeapLimit = workerOnHeapLimit;
        this.afterGc = workerAfterGc;
        this.onRejection = workerOnRejection;
    }

    /** Creates an isolate and evaluates the runtime JavaScript in it, from the engine's code cache if there is one. */
    static IsolateShell create(RuntimeScripts.Bootstrap bootstrap, byte[] codeCache) throws JavetException {
        return create(bootstrap, codeCache, false);
    }

    /**
     * A shell that keeps its compiled runtime JavaScript, so that its code cache can be taken
     * ({@link #takeRuntimeCodeCache()}) once it has served: that cache then holds the functions
     * serving compiled too, which other isolates would otherwise compile at their first request.
     */
    static IsolateShell recording(RuntimeScripts.Bootstrap bootstrap, byte[] codeCache) throws JavetException {
        return create(bootstrap, codeCache, true);
    }

    private static IsolateShell create(RuntimeScripts.Bootstrap bootstrap, byte[] codeCache, boolean recording)
            throws JavetException {
        V8Runtime runtime = V8Native.host().createV8Runtime();
        try {
            return boot(runtime, bootstrap, codeCache, recording);
        } catch (JavetException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private static IsolateShell boot(V8Runtime runtime, RuntimeScripts.Bootstrap bootstrap, byte[] codeCache,
            boolean recording) throws JavetException {
        runtime.setLogger(EngineLog.INSTANCE);
        IsolateShell[] self = new IsolateShell[1];
        // Promises rejected with no handler are the worker's business, reported at the end of its turn.
        runtime.setPromiseRejectCallback((event, promise, value) -> {
            if (self[0] != null) {
                self[0].onRejection.callback(event, promise, value);
            }
        });
        runtime.setNearHeapLimitCallback((current, initial) -> {
            if (self[0] != null) {
                self[0].onHeapLimit.run();
            }
            runtime.terminateExecution();
            return current + HEAP_HEADROOM_BYTES;
        });
        // Runs on the isolate's own thread after each garbage collection; V8 collects more
        // often as memory outside its heap (ArrayBuffers) grows, which makes this the
        // moment to check that memory while a turn is still running.
        runtime.addGCEpilogueCallback((types, flags) -> {
            if (self[0] != null) {
                self[0].afterGc.run();
            }
        });
        V8ValueObject entry;
        V8Script script = null;
        CodeOwners codeOwners = null;
        try (V8ValueObject hostObject = runtime.createV8ValueObject()) {
            for (HostCall call : HostCall.values()) {
                IJavetDirectCallable.NoThisAndResult<Exception> forward = call == HostCall.LOAD_PART
                        ? args -> self[0].loadPart(args)
                        : args -> {
                    HostFunction fn = self[0].handlers.get(call);
                    if (fn == null) {
                        return runtime.createV8ValueUndefined();
                    }
                    CodeOwners owners = self[0].codeOwners;
                    int outer = owners.hostCallBegins();
                    try {
                        V8Value value = fn.call(args);
                        return value == null ? runtime.createV8ValueUndefined() : value;
                    } finally {
                        owners.hostCallEnds(outer);
                    }
                };
                hostObject.bindFunction(new JavetCallbackContext(call.jsName, JavetCallbackType.DirectCallNoThisAndResult, forward));
            }
            ContinuationData.offer(runtime, hostObject);
            codeOwners = CodeOwners.offer(runtime, hostObject);
            runtime.getGlobalObject().set("__tenantd_host", hostObject);
            var executor = runtime.getExecutor(bootstrap.source(), codeCache).setResourceName(RuntimeScripts.RESOURCE_NAME);
            if (recording) {
                script = executor.compileV8Script();
                entry = script.execute();
            } else {
                entry = executor.execute();
            }
            runtime.getGlobalObject().delete("__tenantd_host");
        } catch (JavetException | RuntimeException e) {
            if (script != null) {
                script.close();
            }
            if (codeOwners != null) {
                codeOwners.close();
            }
            throw e;
        }
        runtime.allowEval(false);
        self[0] = new IsolateShell(runtime, entry, codeOwners, script, bootstrap.parts());
        return self[0];
    }

    /**
     * Collects what evaluating the runtime JavaScript left behind and lets the engine give
     * back the pages that frees: temporaries of start-up fill the young generation, and the
     * old generation is compacted, about 430 KB of memory per isolate, for a few milliseconds
     * of CPU. Pre-warmed shells pay this ahead of need; the functions the request path needs
     * stay compiled, so the first request is not slower for it.
     */
    void collectStartupGarbage() {
        runtime.lowMemoryNotification();
    }

    /**
     * Compiles and runs the runtime JavaScript once in a scratch isolate and returns V8's
     * code cache for it, which later isolates deserialize instead of parsing and compiling.
     */
    static byte[] codeCache(String bootstrapSource) throws JavetException {
        try (V8Runtime runtime = V8Native.host().createV8Runtime();
                V8ValueObject hostObject = runtime.createV8ValueObject()) {
            runtime.setLogger(EngineLog.INSTANCE);
            ContinuationData.offer(runtime, hostObject);
            runtime.getGlobalObject().set("__tenantd_host", hostObject);
            try (V8Script script = runtime.getExecutor(bootstrapSource)
                    .setResourceName(RuntimeScripts.RESOURCE_NAME)
                    .compileV8Script()) {
                try (V8Value ignored = script.execute()) {
                    return script.getCachedData();
                }
            }
        }
    }

    /**
     * Compiles the part {@code args[0]} names into a function of this isolate. Only the
     * runtime's own parts exist here: a name that is not one of them is refused, so nothing
     * a worker says can choose what is compiled.
     */
    private V8Value loadPart(V8Value[] args) throws JavetException {
        RuntimeScripts.Part part = args.length == 1 && args[0] instanceof com.caoccao.javet.values.primitive.V8ValueString name
                ? parts.get(name.getValue())
                : null;
        if (part == null) {
            throw new IllegalArgumentException("no such runtime part");
        }
        byte[] cache = part.codeCache().get();
        var function = runtime.getExecutor(part.source(), cache)
                .setResourceName(part.resourceName())
                .compileV8ValueFunction(part.parameters().toArray(String[]::new));
        if (cache == null) {
            part.codeCache().compareAndSet(null, function.getCachedData());
        }
        return function;
    }

    /**
     * V8's code cache of the runtime JavaScript as this isolate has it now, with every function
     * compiled so far; once, on a shell made by {@link #recording}, in one of its worker's turns.
     */
    byte[] takeRuntimeCodeCache() throws JavetException {
        if (bootstrapScript == null) {
            throw new IllegalStateException("this shell does not keep its runtime script");
        }
        try (V8Script script = bootstrapScript) {
            bootstrapScript = null;
            return script.getCachedData();
        }
    }

    void close() {
        try {
            if (bootstrapScript != null) {
                bootstrapScript.close();
            }
            entry.close();
            codeOwners.close();
            runtime.close();
        } catch (JavetException ignored) {
            // the isolate is gone either way
        }
    }
}
