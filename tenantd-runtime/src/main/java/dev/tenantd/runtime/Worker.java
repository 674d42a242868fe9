package dev.tenantd.runtime;

import com.caoccao.javet.enums.V8ValueReferenceType;
import com.caoccao.javet.exceptions.BaseJavetScriptingException;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetScriptingError;
import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.IV8ModuleResolver;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueBoolean;
import com.caoccao.javet.values.primitive.V8ValueDouble;
import com.caoccao.javet.values.primitive.V8ValueInteger;
import com.caoccao.javet.values.primitive.V8ValueLong;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.IV8Module;
import com.caoccao.javet.values.reference.V8Module;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueError;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValueTypedArray;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded worker: an isolate with its modules evaluated, driven as an actor.
 * Every touch of V8 happens in a turn on the isolate's {@link Mailbox}; callers
 * on other threads only post turns and receive futures. An isolate serves many
 * invocations at once: while one awaits a host call, others take turns.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final byte[] EMPTY = new byte[0];
    private static final long HEAP_HEADROOM_BYTES = 32L * 1024 * 1024;

    private final JsEngine engine;
    private final WorkerSource source;
    private final WorkerHost host;
    private final Mailbox mailbox;

    // Touched only inside turns.
    private V8Runtime runtime;
    private V8ValueObject entry;
    private final Map<Integer, CompletableFuture<WorkerResponse>> invocations = new HashMap<>();
    private final Map<Integer, ScheduledFuture<?>> timers = new HashMap<>();
    private final Map<String, IV8Module> modules = new HashMap<>();
    private int nextInvocationId;
    private boolean outOfMemory;

    private volatile boolean closed;
    private volatile long startupNanos;

    Worker(JsEngine engine, WorkerSource source, WorkerHost host, Mailbox mailbox) {
        this.engine = engine;
        this.source = source;
        this.host = host;
        this.mailbox = mailbox;
    }

    public String scriptName() {
        return source.scriptName();
    }

    public WorkerSource source() {
        return source;
    }

    /** Milliseconds from the isolate's creation to the end of the worker's top-level code. */
    public long startupMillis() {
        return TimeUnit.NANOSECONDS.toMillis(startupNanos);
    }

    /** False once the isolate was discarded (closed, or its heap ran out); then load a new one. */
    public boolean isAlive() {
        return !closed;
    }

    CompletableFuture<Void> start() {
        CompletableFuture<Void> started = new CompletableFuture<>();
        mailbox.execute(() -> {
            long begin = System.nanoTime();
            try {
                createIsolate();
                loadScript();
                startupNanos = System.nanoTime() - begin;
                started.complete(null);
            } catch (ScriptException e) {
                discard();
                started.completeExceptionally(e);
            } catch (JavetTerminatedException e) {
                discard();
                started.completeExceptionally(new ScriptException(outOfMemory
                        ? "Script startup exceeded memory limits."
                        : "Script startup was terminated."));
            } catch (BaseJavetScriptingException e) {
                discard();
                started.completeExceptionally(new ScriptException(describe(e.getScriptingError(), source.mainModule())));
            } catch (Throwable e) {
                discard();
                started.completeExceptionally(new ScriptException("the script could not be loaded: " + e.getMessage()));
            }
        });
        return started;
    }

    /**
     * Runs the worker's fetch handler. The future completes with the response, or
     * exceptionally with an {@link InvocationException} naming the outcome.
     */
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
        CompletableFuture<WorkerResponse> result = new CompletableFuture<>();
        mailbox.execute(() -> {
            if (closed) {
                result.completeExceptionally(new InvocationException(Outcome.CANCELED, "the worker was unloaded"));
                return;
            }
            int id = ++nextInvocationId;
            invocations.put(id, result);
            inTurn(() -> {
                try (V8ValueTypedArray body = bytes(request.body())) {
                    entry.invokeVoid("invoke", runtime.createV8ValueInteger(id),
                            runtime.createV8ValueString(request.method()),
                            runtime.createV8ValueString(request.url()),
                            runtime.createV8ValueString(joinHeaders(request.headers())),
                            body);
                }
            });
        });
        return result;
    }

    @Override
    public void close() {
        if (!closed) {
            mailbox.execute(this::discard);
        }
    }

    // ---- isolate setup, inside turns

    private void createIsolate() throws JavetException {
        runtime = V8Host.getV8Instance().createV8Runtime();
        runtime.setLogger(EngineLog.INSTANCE);
        // Unhandled rejections are the worker's business (reported through its logs), not the engine's.
        runtime.setPromiseRejectCallback((event, promise, value) -> {
        });
        runtime.setNearHeapLimitCallback((current, initial) -> {
            outOfMemory = true;
            runtime.terminateExecution();
            return current + HEAP_HEADROOM_BYTES;
        });
        try (V8ValueObject hostObject = runtime.createV8ValueObject()) {
            bindHostFunctions(hostObject);
            runtime.getGlobalObject().set("__tenantd_host", hostObject);
            entry = runtime.getExecutor(engine.bootstrapSource())
                    .setResourceName(RuntimeScripts.RESOURCE_NAME)
                    .execute();
            runtime.getGlobalObject().delete("__tenantd_host");
        }
        runtime.allowEval(false);
    }

    private void loadScript() throws JavetException {
        String flags = CompatibilityFlags.resolveJson(source.compatibilityDate(), source.compatibilityFlags());
        String format = source.isServiceWorker() ? "service-worker" : "modules";
        String problem = entry.invokeString("configure",
                runtime.createV8ValueString(source.scriptName()),
                runtime.createV8ValueString(bindingsJson()),
                runtime.createV8ValueString(flags),
                runtime.createV8ValueString(format));
        if (!problem.isEmpty()) {
            throw new ScriptException(problem);
        }
        WorkerModule main = source.main();
        if (source.isServiceWorker()) {
            try {
                runtime.getExecutor(utf8(main.content())).setResourceName(main.name()).executeVoid();
            } catch (BaseJavetScriptingException e) {
                throw new ScriptException(describe(e.getScriptingError(), main.name()));
            }
            problem = entry.invokeString("checkServiceWorker");
        } else {
            runtime.setV8ModuleResolver(new Resolver());
            IV8Module module = compile(main.name());
            module.instantiate();
            try (V8Value ignored = module.evaluate()) {
                runtime.await();
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
        WorkerModule module = source.module(name).orElseThrow(() -> new ScriptException(
                "No such module \"" + name + "\" among the uploaded modules"));
        IV8Module compiled = switch (module.type()) {
            case ES_MODULE -> {
                try {
                    yield runtime.getExecutor(utf8(module.content()))
                            .setResourceName(name).setModule(true).compileV8Module();
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
        };
        modules.put(name, compiled);
        return compiled;
    }

    private V8Module synthetic(String name, V8Value value) throws JavetException {
        try (V8ValueObject exports = runtime.createV8ValueObject()) {
            exports.set("default", value);
            value.close();
            return runtime.createV8Module(name, exports);
        }
    }

    private final class Resolver implements IV8ModuleResolver {
        @Override
        public String getAbsoluteResourceName(V8Runtime v8Runtime, String specifier, IV8Module referrer)
                throws JavetException {
            return ModuleNames.resolve(referrer == null ? "" : referrer.getResourceName(), specifier);
        }

        @Override
        public IV8Module resolve(V8Runtime v8Runtime, String specifier, IV8Module referrer) throws JavetException {
            String name = ModuleNames.resolve(referrer == null ? "" : referrer.getResourceName(), specifier);
            if (source.module(name).isEmpty()) {
                throw new ScriptException("No such module \"" + specifier + "\" imported from \""
                        + (referrer == null ? "?" : referrer.getResourceName()) + "\"");
            }
            return compile(name);
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
                case Binding.Text t -> json.append("\"type\":\"text\",\"value\":").append(Json.quote(t.text()));
                case Binding.Json j -> json.append("\"type\":\"json\",\"value\":").append(j.json());
                case Binding.DispatchNamespace d -> json.append("\"type\":\"dispatch\"");
                case Binding.Service s -> json.append("\"type\":\"service\"");
            }
            json.append('}');
        }
        return json.append(']').toString();
    }

    // ---- host functions: the only Java the worker's JavaScript can reach

    private void bindHostFunctions(V8ValueObject hostObject) throws JavetException {
        result(hostObject, "log", args -> {
            host.log(new LogLine(source.scriptName(), string(args[0]), string(args[1]), System.currentTimeMillis()));
            return null;
        });
        result(hostObject, "randomBytes", args -> {
            byte[] random = new byte[Math.max(0, Math.min(65536, integer(args[0])))];
            SecureRandomHolder.RANDOM.nextBytes(random);
            return bytes(random);
        });
        result(hostObject, "setTimer", args -> {
            int id = integer(args[0]);
            long delay = Math.max(0, (long) number(args[1]));
            timers.put(id, engine.timers().schedule(() -> mailbox.execute(() -> {
                if (timers.remove(id) != null) {
                    inTurn(() -> entry.invokeVoid("fireTimer", runtime.createV8ValueInteger(id)));
                }
            }), delay, TimeUnit.MILLISECONDS));
            return null;
        });
        result(hostObject, "clearTimer", args -> {
            ScheduledFuture<?> timer = timers.remove(integer(args[0]));
            if (timer != null) {
                timer.cancel(false);
            }
            return null;
        });
        result(hostObject, "complete", args -> {
            CompletableFuture<WorkerResponse> done = invocations.remove(integer(args[0]));
            if (done != null) {
                done.complete(new WorkerResponse(integer(args[1]), string(args[2]),
                        splitHeaders(string(args[3])), bytesOf(args[4])));
            }
            return null;
        });
        result(hostObject, "fail", args -> {
            CompletableFuture<WorkerResponse> done = invocations.remove(integer(args[0]));
            if (done != null) {
                done.completeExceptionally(new InvocationException(Outcome.EXCEPTION, string(args[1]), string(args[2])));
            }
            if (args.length > 3) {
                host.log(new LogLine(source.scriptName(), "error", "Uncaught " + string(args[3]),
                        System.currentTimeMillis()));
            }
            return null;
        });
        result(hostObject, "fetch", args -> {
            int call = integer(args[0]);
            WorkerRequest request = request(args, 1);
            reply(call, host.fetch(request));
            return null;
        });
        result(hostObject, "dispatch", args -> {
            int call = integer(args[0]);
            String binding = string(args[1]);
            String script = string(args[2]);
            String options = string(args[3]);
            reply(call, host.dispatch(binding, script, request(args, 4), options));
            return null;
        });
        result(hostObject, "service", args -> {
            int call = integer(args[0]);
            reply(call, host.service(string(args[1]), request(args, 2)));
            return null;
        });
        result(hostObject, "dispatchTargetExists", args ->
                runtime.createV8ValueBoolean(host.dispatchTargetExists(string(args[0]), string(args[1]))));
    }

    private WorkerRequest request(V8Value[] args, int from) throws JavetException {
        return new WorkerRequest(string(args[from]), string(args[from + 1]),
                splitHeaders(string(args[from + 2])), bytesOf(args[from + 3]));
    }

    /** Posts a host call's outcome back into the isolate as a turn. */
    private void reply(int call, CompletableFuture<WorkerResponse> pending) {
        pending.whenComplete((response, error) -> mailbox.execute(() -> inTurn(() -> {
            if (error == null) {
                try (V8ValueTypedArray body = bytes(response.body())) {
                    entry.invokeVoid("settle", runtime.createV8ValueInteger(call),
                            runtime.createV8ValueInteger(response.status()),
                            runtime.createV8ValueString(response.statusText()),
                            runtime.createV8ValueString(joinHeaders(response.headers())),
                            body);
                }
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                String name = cause instanceof InvocationException ie ? ie.errorName() : "Error";
                String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                entry.invokeVoid("reject", runtime.createV8ValueInteger(call),
                        runtime.createV8ValueString(name), runtime.createV8ValueString(message));
            }
        })));
    }

    @FunctionalInterface
    private interface HostFunction {
        V8Value call(V8Value[] args) throws Exception;
    }

    private void result(V8ValueObject target, String name, HostFunction fn) throws JavetException {
        IJavetDirectCallable.NoThisAndResult<Exception> callable = args -> {
            V8Value value = fn.call(args);
            return value == null ? runtime.createV8ValueUndefined() : value;
        };
        target.bindFunction(new JavetCallbackContext(name, JavetCallbackType.DirectCallNoThisAndResult, callable));
    }

    // ---- turns

    @FunctionalInterface
    private interface JsCall {
        void run() throws JavetException;
    }

    /** Runs a call into JS; a terminated or failed isolate fails what it was serving. */
    private void inTurn(JsCall call) {
        if (closed) {
            return;
        }
        try {
            call.run();
        } catch (JavetTerminatedException e) {
            Outcome outcome = outOfMemory ? Outcome.EXCEEDED_MEMORY : Outcome.CANCELED;
            String message = outOfMemory ? "Worker exceeded memory limit." : "Worker was terminated.";
            failAll(outcome, message);
            discard();
        } catch (JavetException e) {
            LOG.warn("worker {}: call into the isolate failed: {}", source.scriptName(), e.getMessage());
            failAll(Outcome.EXCEPTION, e.getMessage());
        }
    }

    private void failAll(Outcome outcome, String message) {
        List<CompletableFuture<WorkerResponse>> pending = new ArrayList<>(invocations.values());
        invocations.clear();
        for (CompletableFuture<WorkerResponse> f : pending) {
            f.completeExceptionally(new InvocationException(outcome, message));
        }
    }

    private void discard() {
        if (closed) {
            return;
        }
        closed = true;
        failAll(Outcome.CANCELED, "the worker was unloaded");
        timers.values().forEach(t -> t.cancel(false));
        timers.clear();
        try {
            for (IV8Module module : modules.values()) {
                module.close();
            }
            modules.clear();
            if (entry != null) {
                entry.close();
            }
            if (runtime != null) {
                runtime.setV8ModuleResolver(null);
                runtime.close();
            }
        } catch (JavetException e) {
            LOG.warn("worker {}: closing the isolate failed", source.scriptName(), e);
        }
    }

    // ---- value conversion

    private V8ValueTypedArray bytes(byte[] data) throws JavetException {
        V8ValueTypedArray array = runtime.createV8ValueTypedArray(V8ValueReferenceType.Uint8Array, data.length);
        if (data.length > 0) {
            array.fromBytes(data);
        }
        return array;
    }

    private static byte[] bytesOf(V8Value value) throws JavetException {
        return value instanceof V8ValueTypedArray array ? array.toBytes() : EMPTY;
    }

    private static String string(V8Value value) {
        return value instanceof V8ValueString s ? s.getValue() : String.valueOf(value);
    }

    private static int integer(V8Value value) {
        return (int) number(value);
    }

    private static double number(V8Value value) {
        if (value instanceof V8ValueInteger i) {
            return i.getValue();
        }
        if (value instanceof V8ValueDouble d) {
            return d.getValue();
        }
        if (value instanceof V8ValueLong l) {
            return l.getValue();
        }
        if (value instanceof V8ValueBoolean b) {
            return b.getValue() ? 1 : 0;
        }
        return 0;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Headers cross the boundary as one string: name NUL value NUL ... (neither may contain NUL). */
    static String joinHeaders(List<String> headers) {
        return String.join("\0", headers);
    }

    static List<String> splitHeaders(String joined) {
        if (joined.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(joined.split("\0", -1));
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

    private static final class SecureRandomHolder {
        static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    }
}
