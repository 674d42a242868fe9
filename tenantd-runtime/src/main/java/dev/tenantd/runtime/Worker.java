package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.BaseJavetScriptingException;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueBoolean;
import com.caoccao.javet.values.primitive.V8ValueDouble;
import com.caoccao.javet.values.primitive.V8ValueInteger;
import com.caoccao.javet.values.primitive.V8ValueLong;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueObject;
import dev.tenantd.runtime.websocket.WebSocketEnd;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *
 * <p>Each turn is charged to the invocation that caused it: the invocation a
 * request started, or the one whose host call or timer is being answered. The
 * CPU time of a turn counts against that invocation's budget, and the
 * {@link CpuWatchdog} terminates a turn that runs past it.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final byte[] EMPTY = new byte[0];
    private static final long NANOS_PER_MS = 1_000_000L;
    private static final int MEMORY_CHECK_EVERY_TURNS = 32;
    private static final long MEMORY_CHECK_AFTER_NANOS = 500_000L;
    private static final String OVERLOADED = "Server overloaded: it runs its maximum of CPU-heavy requests at once; try again later.";

    private final JsEngine engine;
    private final WorkerSource source;
    private final WorkerHost host;
    private final WorkerSockets sockets;
    private final Mailbox mailbox;

    // Touched only inside turns.
    private V8Runtime runtime;
    private V8ValueObject entry;
    private final Map<Integer, Invocation> invocations = new HashMap<>();
    private final Map<Integer, Invocation> callOwners = new HashMap<>();
    private final Map<Integer, ScheduledFuture<?>> timers = new HashMap<>();
    private final Map<Integer, Invocation> timerOwners = new HashMap<>();
    private ScriptLoader loader;
    private int nextInvocationId;
    private int turnsSinceMemoryCheck;
    private final IsolateMemory memory;
    /** Large bodies of subrequest answers kept with the host until the worker reads them or hands them on. */
    private final Map<Integer, HeldBody> heldBodies = new HashMap<>();
    /** Compression streams in progress (CompressionStream, DecompressionStream, encoded bodies). */
    private final ZlibHandles zlib = new ZlibHandles();
    private int nextHeldBody;
    private final IsolateSockets webSockets = new IsolateSockets(new SocketHost());

    private record HeldBody(byte[] bytes, Invocation owner) {
    }

    /** Calls of RPC targets into functions this isolate passed them, waiting for their answer. */
    private final Map<Integer, ExportCall> exportCalls = new HashMap<>();
    private int nextExportCall;

    private record ExportCall(CompletableFuture<ChannelReply.Data> result, Invocation owner) {
    }

    /** Subrequest answers with bodies from this size on are kept with the host until read. */
    private static final int HELD_FROM = 64 * 1024;
    private Invocation current;
    private volatile boolean outOfMemory;
    /** A turn stuck in a native call past twice its budget was given up: discard the isolate once it returns. */
    private volatile boolean abandoned;
    private volatile CompletableFuture<Void> startup;

    // The running turn, shared with the watchdog and wall-time timers.
    private final Object turnLock = new Object();
    private boolean turnActive;
    private long turnSeq;
    private Invocation turnOwner;
    private Outcome terminatedFor;

    private volatile boolean closed;
    private volatile long startupNanos;
    // Touched only inside turns: close once the last invocation in flight ends.
    private boolean closeWhenIdle;

    /** The state of one request through this isolate, from start to its last waitUntil. */
    private static final class Invocation {
        final int id;
        final CompletableFuture<WorkerResponse> result;
        final InvocationOptions options;
        final InvocationLimits limits;
        final Optional<OutboundFetch> outbound;
        /** Who watches it; an accepted WebSocket's invocation gets one per event. */
        InvocationObserver observer;
        final Caller caller;
        final long startNanos = System.nanoTime();
        /** The invocation's start on the wall clock; its turns' clock counts on from here with {@link #startNanos}. */
        final long startEpochMillis = System.currentTimeMillis();
        final Set<Integer> timers = new HashSet<>();
        long cpuNanos;
        int subrequests;
        int logBytes;
        boolean logTruncated;
        boolean hitSubrequestLimit;
        boolean responded;
        boolean failed;
        boolean finished;
        int status;
        Outcome outcome;
        ScheduledFuture<?> wallTimer;

        Invocation(int id, CompletableFuture<WorkerResponse> result, InvocationOptions options) {
            this.id = id;
            this.result = result;
            this.options = options;
            this.limits = options.limits();
            this.outbound = options.outbound();
            this.observer = options.observer();
            this.caller = options.caller();
        }
    }

    /** The isolate's queue of turns. */
    Mailbox mailbox() {
        return mailbox;
    }

    Worker(JsEngine engine, WorkerSource source, WorkerHost host, Mailbox mailbox) {
        this.engine = engine;
        this.source = source;
        this.host = host;
        this.sockets = new WorkerSockets(host);
        this.mailbox = mailbox;
        this.memory = new IsolateMemory(engine.options().heapLimitMb() * 1024L * 1024L, zlib::nativeBytes);
        mailbox.whenNoThreadForLongTurn(this::shedRunningTurn);
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

    /** WebSockets the isolate holds open now (made, accepted or received, and not closed). */
    public int openWebSockets() {
        return webSockets.open();
    }

    /** False once the isolate was discarded (closed, or its heap ran out); then load a new one. */
    public boolean isAlive() {
        return !closed && !outOfMemory && !abandoned;
    }

    CompletableFuture<Void> start() {
        CompletableFuture<Void> started = new CompletableFuture<>();
        startup = started;
        mailbox.executeStartup(() -> {
            long begin = System.nanoTime();
            long cpuStart = CpuWatchdog.threadCpuNanos();
            beginTurn(null);
            long budget = engine.options().startupCpuMs() * NANOS_PER_MS;
            armCpu(null, cpuStart + budget, cpuStart + 2 * budget);
            try {
                createIsolate();
                loader = new ScriptLoader(source, runtime, entry);
                loader.load(memory.limitBytes());
                startupNanos = System.nanoTime() - begin;
                endTurn(false);
                started.complete(null);
            } catch (ScriptException e) {
                endTurn(false);
                discard();
                started.completeExceptionally(e);
            } catch (JavetTerminatedException e) {
                Outcome why = endTurn(true);
                discard();
                started.completeExceptionally(new ScriptException(outOfMemory || why == Outcome.EXCEEDED_MEMORY
                        ? "Script startup exceeded memory limits."
                        : why == Outcome.EXCEEDED_CPU ? "Script startup exceeded CPU time limit."
                        : why == Outcome.LOAD_SHED ? "Script startup was stopped: " + OVERLOADED
                        : "Script startup was terminated."));
            } catch (BaseJavetScriptingException e) {
                endTurn(false);
                discard();
                started.completeExceptionally(new ScriptException(ScriptLoader.describe(e.getScriptingError(), source.mainModule())));
            } catch (Throwable e) {
                endTurn(false);
                discard();
                started.completeExceptionally(new ScriptException("the script could not be loaded: " + e.getMessage()));
            }
        });
        return started;
    }

    /** Runs the worker's fetch handler within the default limits. */
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
        return fetch(request, InvocationLimits.defaults());
    }

    /**
     * Runs the worker's fetch handler. The future completes with the response, or
     * exceptionally with an {@link InvocationException} naming the outcome.
     */
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request, InvocationLimits limits) {
        return fetch(request, InvocationOptions.of(limits));
    }

    /**
     * Runs the worker's fetch handler with per-invocation options. The future completes
     * with the response, or exceptionally with an {@link InvocationException} naming the outcome.
     */
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request, InvocationOptions options) {
        return begin(options, inv -> {
            if (!memory.fitsAfterCollecting(runtime, request.body().length)) {
                end(inv, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: the request body ("
                        + request.body().length + " bytes) does not fit in it.");
                return;
            }
            try (V8ValueArrayBuffer body = bytes(request.body())) {
                engine.bodies().release(request.body());
                if (request.body().length >= IsolateMemory.HOST_BYTES_CHECKED_FROM) {
                    measureMemory();
                }
                entry.invokeVoid("invoke", runtime.createV8ValueDouble(inv.startEpochMillis),
                        runtime.createV8ValueInteger(inv.id),
                        runtime.createV8ValueString(request.method()),
                        runtime.createV8ValueString(request.url()),
                        runtime.createV8ValueString(joinHeaders(request.headers())),
                        body,
                        runtime.createV8ValueString(options.envJson()),
                        runtime.createV8ValueString(request.cf()),
                        runtime.createV8ValueString(options.entrypoint().name().orElse("")),
                        runtime.createV8ValueString(options.entrypoint().propsJson()));
            }
        });
    }

    /**
     * Calls a method of the entrypoint the options name (JS RPC), as an invocation of its own
     * with the options' limits. The future completes with {@code ok} and the result's bytes, or
     * {@code error} and the bytes of the error the method threw (both as rpc.js writes values),
     * or exceptionally with an {@link InvocationException} when the invocation itself failed.
     */
    public CompletableFuture<ChannelReply.Data> rpc(RpcCall call, InvocationOptions options) {
        return begin(options, inv -> {
            if (!memory.fitsAfterCollecting(runtime, call.args().length)) {
                end(inv, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: the arguments of an RPC call ("
                        + call.args().length + " bytes) do not fit in it.");
                return;
            }
            try (V8ValueArrayBuffer args = bytes(call.args())) {
                entry.invokeVoid("rpc", runtime.createV8ValueDouble(inv.startEpochMillis),
                        runtime.createV8ValueInteger(inv.id),
                        runtime.createV8ValueString(options.entrypoint().name().orElse("")),
                        runtime.createV8ValueString(call.method()),
                        args,
                        runtime.createV8ValueString(options.entrypoint().propsJson()));
            }
        }).thenApply(result -> {
            // The result is handed on as data, never held as a response body.
            engine.bodies().release(result.body());
            return new ChannelReply.Data(result.status() == 200 ? "ok" : "error", result.body());
        });
    }

    @FunctionalInterface
    private interface InvocationStart {
        void run(Invocation inv) throws JavetException;
    }

    /** Starts an invocation in a turn of its own: registered, its wall time running, then {@code start}. */
    private CompletableFuture<WorkerResponse> begin(InvocationOptions options, InvocationStart start) {
        CompletableFuture<WorkerResponse> result = new CompletableFuture<>();
        mailbox.execute(() -> {
            if (closed) {
                result.completeExceptionally(new InvocationException(Outcome.CANCELED, "The worker was unloaded."));
                return;
            }
            Invocation inv = new Invocation(++nextInvocationId, result, options);
            invocations.put(inv.id, inv);
            inv.wallTimer = engine.timers().schedule(() -> wallTimeUp(inv), options.limits().wallTimeMs(),
                    TimeUnit.MILLISECONDS);
            turn(inv, () -> start.run(inv));
        });
        return result;
    }

    /** How many compression streams the isolate holds open, counted on its own thread. */
    CompletableFuture<Integer> openCompressionStreams() {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        mailbox.execute(() -> count.complete(zlib.size()));
        return count;
    }

    @Override
    public void close() {
        if (!closed) {
            mailbox.execute(this::discard);
        }
    }

    /**
     * Closes the isolate once no invocation is in flight: at once if none is, otherwise
     * when the last one ends (its response sent and its waitUntil work settled).
     */
    public void closeWhenIdle() {
        mailbox.execute(() -> {
            closeWhenIdle = true;
            discardIfIdle();
        });
    }

    private void discardIfIdle() {
        if (invocations.isEmpty()) {
            discard();
        }
    }

    // ---- turns and limits

    @FunctionalInterface
    private interface JsCall {
        void run() throws JavetException;
    }

    private void beginTurn(Invocation owner) {
        memory.turnStarted();
        synchronized (turnLock) {
            turnSeq++;
            turnActive = true;
            turnOwner = owner;
            terminatedFor = null;
        }
        current = owner;
    }

    /**
     * Ends a turn; returns why it was terminated, if it was. A termination that
     * was requested just as the turn finished on its own is withdrawn, so it
     * cannot hit the isolate's next turn.
     */
    private Outcome endTurn(boolean sawTermination) {
        CpuWatchdog.INSTANCE.clear(CpuWatchdog.Alarm.BUDGET);
        CpuWatchdog.INSTANCE.clear(CpuWatchdog.Alarm.OVERRUN);
        Outcome why;
        synchronized (turnLock) {
            turnActive = false;
            turnOwner = null;
            why = terminatedFor;
            terminatedFor = null;
        }
        current = null;
        if (why != null && !sawTermination && runtime != null && !closed) {
            runtime.cancelTerminateExecution();
        }
        return why;
    }

    /** Called from the watchdog or a wall-time timer: stops the running turn if it belongs to {@code owner}. */
    private void expire(Invocation owner, Outcome why) {
        synchronized (turnLock) {
            if (turnActive && turnOwner == owner && terminatedFor == null && runtime != null) {
                terminatedFor = why;
                runtime.terminateExecution();
            }
        }
    }

    /**
     * Sets the running turn's CPU alarms: at {@code budgetAt} its execution is terminated; at
     * {@code overrunAt} (twice the invocation's budget) a turn that termination could not
     * reach, because it is inside one long native call, is given up.
     */
    private void armCpu(Invocation owner, long budgetAt, long overrunAt) {
        long seq = turnSeq;
        CpuWatchdog.INSTANCE.set(CpuWatchdog.Alarm.BUDGET, budgetAt, () -> expire(owner, Outcome.EXCEEDED_CPU));
        CpuWatchdog.INSTANCE.set(CpuWatchdog.Alarm.OVERRUN, overrunAt, () -> abandon(owner, seq));
    }

    /**
     * Called from the watchdog when a turn ran on to twice its budget after being told to
     * stop: it is inside a native call that checks for termination only when it returns.
     * Its invocation ends now, as over its CPU limit, so the client waits no longer; the
     * thread, long since detached at the lowest priority, finishes the call on its own, and
     * the isolate is discarded when it does. New requests get a new isolate meanwhile.
     */
    private void abandon(Invocation owner, long seq) {
        synchronized (turnLock) {
            if (!turnActive || turnSeq != seq || abandoned) {
                return;
            }
            abandoned = true;
        }
        LOG.warn("worker {}: a turn ran on to twice its CPU budget inside one native call; its invocation ends now "
                + "and the isolate is discarded when the call returns", source.scriptName());
        engine.timers().execute(() -> {
            if (owner != null) {
                owner.result.completeExceptionally(new InvocationException(Outcome.EXCEEDED_CPU, "Worker exceeded CPU time limit."));
            } else {
                startup.completeExceptionally(new ScriptException("Script startup exceeded CPU time limit."));
            }
        });
    }

    /**
     * Called from the watchdog when the engine already runs its maximum of long turns:
     * stops whatever turn runs now rather than let it hold a thread other tenants need.
     */
    private void shedRunningTurn() {
        synchronized (turnLock) {
            if (turnActive && terminatedFor == null && runtime != null) {
                terminatedFor = Outcome.LOAD_SHED;
                runtime.terminateExecution();
            }
        }
    }

    /** Runs a call into JS on behalf of an invocation, charging its CPU time and enforcing its budget. */
    private void turn(Invocation owner, JsCall call) {
        if (closed) {
            return;
        }
        long cpuStart = CpuWatchdog.threadCpuNanos();
        beginTurn(owner);
        if (owner != null) {
            long limit = owner.limits.cpuMs() * NANOS_PER_MS;
            armCpu(owner, cpuStart + Math.max(0, limit - owner.cpuNanos), cpuStart + Math.max(0, 2 * limit - owner.cpuNanos));
        }
        boolean terminated = false;
        try {
            if (memory.measureBeforeNextTurn()) {
                measureMemory();
            }
            call.run();
        } catch (JavetTerminatedException e) {
            terminated = true;
        } catch (JavetException e) {
            LOG.warn("worker {}: call into the isolate failed: {}", source.scriptName(), e.getMessage());
            if (owner != null) {
                end(owner, Outcome.EXCEPTION, e.getMessage());
            }
        } finally {
            Outcome why = endTurn(terminated);
            long spent = CpuWatchdog.threadCpuNanos() - cpuStart;
            if (owner != null) {
                owner.cpuNanos += spent;
            }
            if (terminated || why != null) {
                afterTermination(owner, why);
                if (abandoned) {
                    discard();
                }
            } else if (++turnsSinceMemoryCheck >= MEMORY_CHECK_EVERY_TURNS || spent > MEMORY_CHECK_AFTER_NANOS) {
                turnsSinceMemoryCheck = 0;
                checkMemoryBetweenTurns();
            }
        }
    }

    /**
     * Between turns, memory outside the V8 heap that a quick turn allocated is checked
     * as well; an isolate over its limit is discarded with the invocations it serves.
     */
    private void checkMemoryBetweenTurns() {
        if (closed || runtime == null) {
            return;
        }
        if (memory.overLimit(runtime)) {
            outOfMemory = true;
            afterTermination(null, Outcome.EXCEEDED_MEMORY);
        }
    }

    private void afterTermination(Invocation owner, Outcome why) {
        if (outOfMemory) {
            for (Invocation inv : new ArrayList<>(invocations.values())) {
                end(inv, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit.");
            }
            discard();
            return;
        }
        if (owner == null) {
            return;
        }
        Outcome outcome = why == null ? Outcome.CANCELED : why;
        end(owner, outcome, switch (outcome) {
            case EXCEEDED_CPU -> "Worker exceeded CPU time limit.";
            case EXCEEDED_WALL_TIME -> "Worker exceeded its wall time limit.";
            case LOAD_SHED -> OVERLOADED;
            case EXCEEDED_MEMORY -> "Worker exceeded memory limit.";
            default -> "Worker was terminated.";
        });
    }

    /** Tells the runtime JavaScript what the isolate holds, before the turn enters it. */
    private void measureMemory() throws JavetException {
        entry.invokeVoid("measured", runtime.createV8ValueDouble(memory.measure(runtime)));
    }

    /**
     * An allocation would take the isolate over its memory limit: the running turn's
     * invocation ends as having exceeded it. Nothing was allocated, so the isolate stays.
     */
    private void memoryExceeded() {
        synchronized (turnLock) {
            if (turnActive && terminatedFor == null) {
                terminatedFor = Outcome.EXCEEDED_MEMORY;
                runtime.terminateExecution();
            }
        }
    }

    /**
     * Memory outside the V8 heap counts against the isolate's limit too. The runtime counts
     * the buffers a worker makes before it makes them; as a second line, V8 collects garbage
     * as that memory grows, and after each collection during a turn (when the engine cannot
     * report its statistics) the process's resident memory is compared with its size at the
     * turn's first collection: a turn that grew it by more than the limit ends as if the
     * heap had run out. Between turns, heap and buffers are compared with the limit exactly.
     */
    private void afterGc() {
        synchronized (turnLock) {
            if (!turnActive || terminatedFor != null || runtime == null) {
                return;
            }
        }
        if (memory.grewPastLimitInTurn()) {
            synchronized (turnLock) {
                if (turnActive && terminatedFor == null) {
                    outOfMemory = true;
                    terminatedFor = Outcome.EXCEEDED_MEMORY;
                    runtime.terminateExecution();
                }
            }
        }
    }

    private void wallTimeUp(Invocation inv) {
        expire(inv, Outcome.EXCEEDED_WALL_TIME);
        mailbox.execute(() -> end(inv, Outcome.EXCEEDED_WALL_TIME, "Worker exceeded its wall time limit."));
    }

    /**
     * Ends an invocation early (a limit, an engine failure): the caller gets the
     * error if no response was sent yet, its timers stop, and the outcome is reported.
     */
    private void end(Invocation inv, Outcome outcome, String message) {
        if (inv.finished) {
            return;
        }
        if (!inv.responded && !inv.failed) {
            inv.failed = true;
            inv.result.completeExceptionally(new InvocationException(outcome, message));
        }
        if (outcome == Outcome.EXCEPTION) {
            inv.observer.exception("Error", message, System.currentTimeMillis());
        }
        inv.outcome = outcome;
        finish(inv);
    }

    /** The invocation is over: response sent or failed, and every waitUntil promise settled. */
    private void finish(Invocation inv) {
        if (inv.finished) {
            return;
        }
        inv.finished = true;
        invocations.remove(inv.id);
        // Bodies held for this invocation that it neither read nor handed on are let go.
        heldBodies.values().removeIf(held -> {
            if (held.owner() == inv) {
                engine.bodies().release(held.bytes());
                return true;
            }
            return false;
        });
        if (inv.wallTimer != null) {
            inv.wallTimer.cancel(false);
        }
        for (Integer id : inv.timers) {
            ScheduledFuture<?> t = timers.remove(id);
            timerOwners.remove(id);
            if (t != null) {
                t.cancel(false);
            }
        }
        callOwners.values().removeIf(owner -> owner == inv);
        sockets.closeOwnedBy(inv);
        zlib.closeOwnedBy(inv);
        webSockets.invocationEnded(inv.id);
        exportCalls.values().removeIf(call -> {
            if (call.owner() == inv) {
                call.result().completeExceptionally(new InvocationException(Outcome.EXCEPTION, "Error",
                        "The RPC stub is no longer usable: the call it was passed with has ended."));
                return true;
            }
            return false;
        });
        Outcome outcome = inv.outcome != null ? inv.outcome : inv.failed ? Outcome.EXCEPTION : Outcome.OK;
        InvocationRecord record = new InvocationRecord(source.scriptName(), outcome, inv.cpuNanos,
                System.nanoTime() - inv.startNanos, inv.subrequests, inv.status);
        host.invocationEnded(record);
        inv.observer.ended(record);
        if (closeWhenIdle) {
            // Not from here: this may run inside a call from JavaScript into the host.
            mailbox.execute(this::discardIfIdle);
        }
    }

    // ---- isolate setup, inside turns

    private void createIsolate() throws JavetException {
        IsolateShell shell = engine.takeShell();
        runtime = shell.runtime;
        entry = shell.entry;
        java.util.EnumMap<HostCall, IsolateShell.HostFunction> handlers = new java.util.EnumMap<>(HostCall.class);
        bindHostFunctions(handlers);
        shell.adopt(handlers, () -> outOfMemory = true, this::afterGc);
    }

    // ---- host functions: the only Java the worker's JavaScript can reach

    private void bindHostFunctions(Map<HostCall, IsolateShell.HostFunction> hostObject) {
        // Returns true when the line's arguments are wanted as JSON values too: the JS
        // side then sends them with logValues, so unwatched invocations never serialise them.
        result(hostObject, HostCall.LOG, args ->
                log(current, string(args[0]), string(args[1])) ? runtime.createV8ValueBoolean(true) : null);
        result(hostObject, HostCall.LOG_VALUES, args -> {
            Invocation owner = current;
            if (owner != null && owner.observer != InvocationObserver.NONE && !owner.logTruncated) {
                String values = string(args[1]);
                // The values count against the log limit too: they can be larger than the printed line.
                owner.logBytes += values.length();
                if (owner.logBytes > owner.limits.logBytes()) {
                    log(owner, "warn", "");
                } else {
                    owner.observer.log(string(args[0]), values, System.currentTimeMillis());
                }
            }
            return null;
        });
        result(hostObject, HostCall.COLLECT_GARBAGE, args -> runtime.createV8ValueDouble(memory.collectInTurn(runtime)));
        result(hostObject, HostCall.MEMORY_GREW, args -> {
            memory.grew();
            return null;
        });
        result(hostObject, HostCall.MEMORY_EXCEEDED, args -> {
            memoryExceeded();
            return null;
        });
        result(hostObject, HostCall.RANDOM_BYTES, args -> {
            byte[] random = new byte[Math.max(0, Math.min(65536, integer(args[0])))];
            SecureRandomHolder.RANDOM.nextBytes(random);
            return bytes(random);
        });
        result(hostObject, HostCall.DIGEST, args -> {
            String algorithm = string(args[0]);
            if (!DIGESTS.contains(algorithm)) {
                return null; // crypto.js names only these; anything else is refused there
            }
            return bytes(java.security.MessageDigest.getInstance(algorithm).digest(bytesOf(args[1])));
        });
        // Web Crypto runs on this thread: its CPU time is the invocation's.
        result(hostObject, HostCall.CRYPTO, args -> args.length < 6 ? null : switch (dev.tenantd.runtime.crypto.SubtleHost.run(
                string(args[0]), string(args[1]), bytesOf(args[2]), bytesOf(args[3]), bytesOf(args[4]), bytesOf(args[5]))) {
            case dev.tenantd.runtime.crypto.CryptoResult.Bytes b -> bytes(b.value());
            case dev.tenantd.runtime.crypto.CryptoResult.Text t -> runtime.createV8ValueString(t.value());
            case dev.tenantd.runtime.crypto.CryptoResult.Failure f ->
                    runtime.createV8ValueString("\0" + f.name() + "\0" + f.message());
        });
        result(hostObject, HostCall.SET_TIMER, args -> {
            int id = integer(args[0]);
            long delay = Math.max(0, (long) number(args[1]));
            Invocation owner = current;
            if (owner != null) {
                owner.timers.add(id);
                timerOwners.put(id, owner);
            }
            timers.put(id, engine.timers().schedule(() -> mailbox.execute(() -> {
                if (timers.remove(id) != null) {
                    Invocation by = timerOwners.remove(id);
                    if (by != null) {
                        by.timers.remove(id);
                    }
                    turn(by, () -> {
                        long since = millisSinceStart(by);
                        entry.invokeVoid("fireTimer", runtime.createV8ValueDouble(epochMillis(by, since)),
                                runtime.createV8ValueDouble(since), runtime.createV8ValueInteger(id));
                    });
                }
            }), delay, TimeUnit.MILLISECONDS));
            return null;
        });
        result(hostObject, HostCall.CLEAR_TIMER, args -> {
            int id = integer(args[0]);
            ScheduledFuture<?> timer = timers.remove(id);
            Invocation by = timerOwners.remove(id);
            if (by != null) {
                by.timers.remove(id);
            }
            if (timer != null) {
                timer.cancel(false);
            }
            return null;
        });
        result(hostObject, HostCall.TAKE_BODY, args -> {
            HeldBody body = heldBodies.remove(integer(args[0]));
            if (body == null) {
                return null; // the request it came in for has ended
            }
            V8ValueArrayBuffer buffer = bytes(body.bytes());
            engine.bodies().release(body.bytes());
            return buffer;
        });
        result(hostObject, HostCall.COMPLETE, args -> {
            Invocation inv = invocations.get(integer(args[0]));
            if (inv != null && !inv.responded && !inv.failed && tooLarge(args[4])) {
                end(inv, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: the response body is larger than "
                        + engine.options().heapLimitMb() + " MB.");
                return null;
            }
            long size = byteLength(args[4]);
            if (inv != null && !inv.responded && !inv.failed && !engine.bodies().admits(size)) {
                end(inv, Outcome.LOAD_SHED, engine.bodies().refusal(size));
                return null;
            }
            if (inv != null && !inv.responded && !inv.failed) {
                HeldBody handedOn = args.length > 6 ? heldBodies.remove(integer(args[6])) : null;
                Optional<WebSocketEnd> socket = args.length > 7 ? webSockets.release(integer(args[7])) : Optional.empty();
                WorkerResponse response = new WorkerResponse(integer(args[1]), string(args[2]),
                        splitHeaders(string(args[3])), handedOn != null ? handedOn.bytes() : bytesOf(args[4]), "", 0,
                        socket);
                Optional<String> problem = HeaderRules.statusProblem(response.status(), response.statusText())
                        .or(() -> HeaderRules.problem(response.headers()));
                if (problem.isPresent()) {
                    socket.ifPresent(end -> end.close(WebSocketLimits.INTERNAL_ERROR, "The worker's response could not be sent."));
                    refuseResponse(inv, problem.get());
                } else {
                    inv.responded = true;
                    inv.status = response.status();
                    inv.observer.responded(inv.status);
                    if (handedOn == null) {
                        engine.bodies().hold(response.body());
                    }
                    inv.result.complete(response);
                }
                // The common case, no waitUntil work: the invocation ends with its response.
                if (args.length > 5 && args[5] instanceof V8ValueBoolean done && done.getValue()) {
                    finish(inv);
                }
            }
            return null;
        });
        result(hostObject, HostCall.FAIL, args -> {
            Invocation inv = invocations.get(integer(args[0]));
            if (inv != null && !inv.responded && !inv.failed) {
                inv.failed = true;
                inv.status = 500;
                Outcome outcome = inv.hitSubrequestLimit ? Outcome.EXCEEDED_SUBREQUESTS : Outcome.EXCEPTION;
                inv.outcome = outcome;
                inv.result.completeExceptionally(new InvocationException(outcome, string(args[1]), string(args[2])));
                inv.observer.exception(string(args[1]), string(args[2]), System.currentTimeMillis());
                log(inv, "error", "Uncaught " + string(args[3]));
            }
            return null;
        });
        result(hostObject, HostCall.FINISHED, args -> {
            Invocation inv = invocations.get(integer(args[0]));
            if (inv != null) {
                finish(inv);
            }
            return null;
        });
        result(hostObject, HostCall.FETCH, args -> {
            int call = integer(args[0]);
            WorkerRequest request = request(args, 1);
            Invocation owner = current;
            if (!refusedRequest(call, request)) {
                reply(call, admitSubrequest(call) ? owner.outbound.map(o -> o.fetch(request)).orElseGet(() -> host.fetch(request))
                        .thenApply(ChannelReply::response) : refusedSubrequest(owner));
            }
            return null;
        });
        // A call on a channel binding: (id, channel, operation, args, bytes).
        result(hostObject, HostCall.CALL, args -> {
            int call = integer(args[0]);
            ChannelCall channelCall = new ChannelCall(integer(args[1]), string(args[2]), string(args[3]), bytesOf(args[4]),
                    Optional.empty(), rpcCaller(current, call));
            reply(call, admitSubrequest(call) ? host.call(channelCall) : refusedSubrequest(current));
            return null;
        });
        // A call on a channel binding that sends a request: (id, channel, operation, args, method, url, headers, body, cf).
        result(hostObject, HostCall.CALL_FETCH, args -> {
            int call = integer(args[0]);
            WorkerRequest request = request(args, 4);
            if (args.length > 8 && args[8] instanceof V8ValueString cf) {
                request = new WorkerRequest(request.method(), request.url(), request.headers(), request.body(), cf.getValue());
            }
            if (!refusedRequest(call, request)) {
                ChannelCall channelCall = new ChannelCall(integer(args[1]), string(args[2]), string(args[3]), null,
                        Optional.of(request), new Caller(depthOf(current), Optional.empty()));
                reply(call, admitSubrequest(call) ? host.call(channelCall) : refusedSubrequest(current));
            }
            return null;
        });
        // A TCP socket: (id, operation, socket, text, bytes). Opening one is a subrequest, refused
        // to invocations whose fetch() goes through an outbound worker, which sees only HTTP.
        result(hostObject, HostCall.SOCKET, args -> {
            int call = integer(args[0]);
            String operation = string(args[1]);
            Invocation owner = current;
            if (!operation.equals("connect")) {
                if (owner != null) {
                    callOwners.put(call, owner);
                }
                reply(call, sockets.operate(owner, operation, integer(args[2]), bytesOf(args[4])));
            } else if (owner != null && owner.outbound.isPresent() && !owner.finished) {
                callOwners.put(call, owner);
                reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                        "connect() is not available to this worker: its requests leave through an outbound worker, "
                                + "which sees HTTP requests only.")));
            } else {
                reply(call, admitSubrequest(call) ? sockets.connect(owner, string(args[3])) : refusedSubrequest(owner));
            }
            return null;
        });
        result(hostObject, HostCall.WS_PAIR, args -> runtime.createV8ValueInteger(webSockets.pair()));
        result(hostObject, HostCall.WS_ACCEPT, args -> runtime.createV8ValueBoolean(webSockets.accept(integer(args[0]))));
        result(hostObject, HostCall.WS_SEND, args -> {
            webSockets.send(integer(args[0]), args[1] instanceof V8ValueString text ? new WebSocketMessage.Text(text.getValue())
                    : new WebSocketMessage.Binary(bytesOf(args[2])));
            return null;
        });
        result(hostObject, HostCall.WS_CLOSE, args -> {
            webSockets.close(integer(args[0]), integer(args[1]), string(args[2]));
            return null;
        });
        // A call of a function or RpcTarget that the RPC caller of an invocation passed it:
        // (id, invocation, position, method, bytes). It goes to that invocation's caller, while
        // that invocation lasts, and counts as a subrequest of the invocation making it.
        result(hostObject, HostCall.CALL_BACK, args -> {
            int call = integer(args[0]);
            Invocation owner = current;
            Invocation receiver = invocations.get(integer(args[1]));
            Optional<RpcCallbacks> callbacks = receiver == null ? Optional.empty() : receiver.caller.callbacks();
            if (callbacks.isEmpty()) {
                if (owner != null) {
                    callOwners.put(call, owner);
                }
                reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                        "The RPC stub is no longer usable: it can only be called while the call it came with lasts.")));
            } else {
                reply(call, admitSubrequest(call)
                        ? callbacks.get().call(integer(args[2]), string(args[3]), bytesOf(args[4])).thenApply(data -> data)
                        : refusedSubrequest(owner));
            }
            return null;
        });
        // The answer of a function or RpcTarget this isolate passed: (id, ok, bytes).
        result(hostObject, HostCall.EXPORT_RETURNED, args -> {
            ExportCall call = exportCalls.remove(integer(args[0]));
            if (call != null) {
                boolean ok = args[1] instanceof V8ValueBoolean b && b.getValue();
                call.result().complete(new ChannelReply.Data(ok ? "ok" : "error", bytesOf(args[2])));
            }
            return null;
        });
        // A call on a channel binding answered at once: (channel, operation, args) -> string.
        // A failure comes back as NUL, the error's name, NUL, its message: bindings.js throws it.
        result(hostObject, HostCall.CALL_NOW, args -> {
            String answer;
            try {
                answer = host.callNow(ChannelCall.of(integer(args[0]), string(args[1]), string(args[2]), null));
            } catch (InvocationException e) {
                answer = "\0" + e.errorName() + "\0" + e.getMessage();
            } catch (RuntimeException e) {
                LOG.warn("worker {}: a binding call failed", source.scriptName(), e);
                answer = "\0Error\0" + "The binding call failed.";
            }
            return runtime.createV8ValueString(answer);
        });
        // Streams opened by top-level code belong to the isolate, not to an invocation.
        ZlibHostCalls.bind(hostObject, runtime, zlib, () -> current != null ? current : this);
    }

    /**
     * A response whose status line or headers could not go on the wire (the runtime JavaScript
     * checks them, but a worker can change its own built-ins): the invocation fails as an
     * exception, so the client gets a 500, and both the host's log and the worker's name the header.
     */
    private void refuseResponse(Invocation inv, String problem) {
        String message = "The worker's response cannot be sent: " + problem + ".";
        LOG.warn("worker {}: invalid response, answering 500: {}", source.scriptName(), problem);
        log(inv, "error", "Uncaught TypeError: " + message);
        inv.observer.exception("TypeError", message, System.currentTimeMillis());
        inv.failed = true;
        inv.status = 500;
        inv.outcome = Outcome.EXCEPTION;
        inv.result.completeExceptionally(new InvocationException(Outcome.EXCEPTION, "TypeError", message));
    }

    /**
     * Refuses a request the worker sends out whose headers could not go on the wire: its
     * fetch() rejects with a TypeError, and no subrequest is counted. Returns whether it did.
     */
    private boolean refusedRequest(int call, WorkerRequest request) {
        Optional<String> problem = HeaderRules.problem(request.headers());
        if (problem.isEmpty()) {
            return false;
        }
        if (current != null) {
            callOwners.put(call, current);
        }
        reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                "The request cannot be sent: " + problem.get() + ".")));
        return true;
    }

    /** A body that would not fit in the isolate's memory limit is never copied out of it. */
    private boolean tooLarge(V8Value body) {
        return byteLength(body) > memory.limitBytes();
    }

    /**
     * The size of bytes the runtime JavaScript hands out (always an ArrayBuffer), read from
     * its memory: a property read could run a getter the worker defined, inside a host call.
     */
    private static long byteLength(V8Value body) {
        return body instanceof V8ValueArrayBuffer buffer ? buffer.getByteBuffer().capacity() : 0;
    }

    /**
     * Counts a subrequest against the current invocation; false once its budget is spent,
     * or when no invocation is running (top-level code, timers it set), as on Cloudflare.
     */
    private boolean admitSubrequest(int call) {
        Invocation owner = current;
        if (owner == null || owner.finished) {
            return false;
        }
        callOwners.put(call, owner);
        if (owner.subrequests >= owner.limits.subrequests()) {
            owner.hitSubrequestLimit = true;
            return false;
        }
        owner.subrequests++;
        return true;
    }

    private static int depthOf(Invocation owner) {
        return owner == null ? 0 : owner.caller.depth();
    }

    /**
     * The caller of a channel call that may be an RPC call: the way back into this isolate goes
     * with it, to what that one call passed.
     */
    private Caller rpcCaller(Invocation owner, int call) {
        return owner == null ? Caller.OUTSIDE : new Caller(owner.caller.depth(),
                Optional.of((position, method, args) -> callExport(owner, call, position, method, args)));
    }

    /**
     * Calls a function or RpcTarget this isolate passed to an RPC target, in a turn of the
     * invocation that passed it (charged to it), while that invocation lasts.
     */
    private CompletableFuture<ChannelReply.Data> callExport(Invocation owner, int call, int position, String method,
            byte[] args) {
        CompletableFuture<ChannelReply.Data> result = new CompletableFuture<>();
        mailbox.execute(() -> {
            if (closed || owner.finished) {
                result.completeExceptionally(new InvocationException(Outcome.EXCEPTION, "Error",
                        "The RPC stub is no longer usable: the call it was passed with has ended."));
                return;
            }
            int id = ++nextExportCall;
            exportCalls.put(id, new ExportCall(result, owner));
            turn(owner, () -> {
                if (!memory.fitsAfterCollecting(runtime, args.length)) {
                    end(owner, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: the arguments of an RPC call ("
                            + args.length + " bytes) do not fit in it.");
                    return;
                }
                try (V8ValueArrayBuffer bytes = bytes(args)) {
                    long since = millisSinceStart(owner);
                    entry.invokeVoid("callExport", runtime.createV8ValueDouble(epochMillis(owner, since)),
                            runtime.createV8ValueDouble(since), runtime.createV8ValueInteger(id),
                            runtime.createV8ValueInteger(call), runtime.createV8ValueInteger(position),
                            runtime.createV8ValueString(method), bytes);
                }
            });
        });
        return result;
    }

    private static CompletableFuture<ChannelReply> refusedSubrequest(Invocation owner) {
        if (owner == null || owner.finished) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                    "Disallowed operation called within global scope: fetch() and calls through bindings can only be "
                            + "made while handling a request."));
        }
        return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEEDED_SUBREQUESTS,
                "Too many subrequests."));
    }

    /**
     * Writes a console line to the host's log. Returns whether the invocation's observer
     * wants this line; it then receives it from {@code logValues}, with the arguments as values.
     */
    private boolean log(Invocation owner, String level, String message) {
        long now = System.currentTimeMillis();
        boolean observed = owner != null && owner.observer != InvocationObserver.NONE;
        if (owner != null) {
            if (owner.logTruncated) {
                return false;
            }
            owner.logBytes += message.length();
            if (owner.logBytes > owner.limits.logBytes()) {
                owner.logTruncated = true;
                message = "Log size limit exceeded: further console output of this invocation is dropped.";
                level = "warn";
                if (observed) {
                    owner.observer.log(level, "[" + Json.quote(message) + "]", now);
                }
                observed = false;
            }
        }
        host.log(new LogLine(source.scriptName(), level, message, now));
        return observed;
    }

    private WorkerRequest request(V8Value[] args, int from) throws JavetException {
        return new WorkerRequest(string(args[from]), string(args[from + 1]),
                splitHeaders(string(args[from + 2])), bytesOf(args[from + 3]));
    }

    /** Posts a host call's outcome back into the isolate as a turn of the invocation that made the call. */
    private void reply(int call, CompletableFuture<ChannelReply> pending) {
        pending.whenComplete((reply, error) -> mailbox.execute(() -> {
            Invocation owner = callOwners.remove(call);
            turn(owner, () -> {
                if (error != null) {
                    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    String name = cause instanceof InvocationException ie ? ie.errorName() : "Error";
                    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                    long since = millisSinceStart(owner);
                    entry.invokeVoid("reject", runtime.createV8ValueDouble(epochMillis(owner, since)),
                            runtime.createV8ValueDouble(since), runtime.createV8ValueInteger(call),
                            runtime.createV8ValueString(name), runtime.createV8ValueString(message));
                    return;
                }
                switch (reply) {
                    case ChannelReply.Response r -> settle(owner, call, r.response());
                    case ChannelReply.Data d -> answer(owner, call, d);
                }
            });
        }));
    }

    /** A call's data answer reaches the binding's JS wrapper as {text, bytes}. */
    private void answer(Invocation owner, int call, ChannelReply.Data data) throws JavetException {
        if (owner != null && !memory.fitsAfterCollecting(runtime, data.bytes().length)) {
            end(owner, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: a binding's answer ("
                    + data.bytes().length + " bytes) does not fit in it.");
            return;
        }
        try (V8ValueArrayBuffer bytes = bytes(data.bytes())) {
            long since = millisSinceStart(owner);
            entry.invokeVoid("answer", runtime.createV8ValueDouble(epochMillis(owner, since)),
                    runtime.createV8ValueDouble(since), runtime.createV8ValueInteger(call),
                    runtime.createV8ValueString(data.text()), bytes);
        }
    }

    /** A response (of a subrequest, another worker, a binding) reaches the worker as a Response. */
    private void settle(Invocation owner, int call, WorkerResponse response) throws JavetException {
        boolean held = owner != null && response.body().length >= HELD_FROM;
        if (!held && owner != null && !memory.fitsAfterCollecting(runtime, response.body().length)) {
            end(owner, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: a subrequest's response body ("
                    + response.body().length + " bytes) does not fit in it.");
            return;
        }
        // A large body stays with the host until the worker reads it: handed on
        // unread (a dispatcher returning a user worker's response), it never
        // enters this isolate at all.
        int heldId = held ? holdBody(owner, response.body()) : 0;
        try (V8ValueArrayBuffer body = bytes(held ? EMPTY : response.body())) {
            if (!held) {
                engine.bodies().release(response.body());
            }
            long since = millisSinceStart(owner);
            entry.invokeVoid("settle", runtime.createV8ValueDouble(epochMillis(owner, since)),
                    runtime.createV8ValueDouble(since), runtime.createV8ValueInteger(call),
                    runtime.createV8ValueInteger(response.status()),
                    runtime.createV8ValueString(response.statusText()),
                    runtime.createV8ValueString(joinHeaders(response.headers())),
                    body,
                    runtime.createV8ValueString(response.url()),
                    runtime.createV8ValueInteger(response.redirects()),
                    runtime.createV8ValueInteger(heldId),
                    runtime.createV8ValueDouble(held ? response.body().length : 0),
                    runtime.createV8ValueInteger(webSockets.adopt(response.webSocket())));
        }
    }

    /** Keeps a body with the host for the worker to read later (or hand on unread); its id. */
    private int holdBody(Invocation owner, byte[] body) {
        int id = ++nextHeldBody;
        heldBodies.put(id, new HeldBody(body, owner));
        return id;
    }

    /**
     * The clock of a turn that begins now, for the runtime JavaScript (clock.js): whole
     * milliseconds since the owner's invocation began (0 without one), and the time since
     * the epoch that makes, so that the worker's Date.now() never runs backwards within an
     * invocation.
     */
    private static long millisSinceStart(Invocation owner) {
        return owner == null ? 0 : (System.nanoTime() - owner.startNanos) / NANOS_PER_MS;
    }

    private static long epochMillis(Invocation owner, long sinceStart) {
        return owner == null ? System.currentTimeMillis() : owner.startEpochMillis + sinceStart;
    }

    private static void result(Map<HostCall, IsolateShell.HostFunction> target, HostCall name, IsolateShell.HostFunction fn) {
        target.put(name, fn);
    }

    private void discard() {
        if (closed) {
            return;
        }
        closed = true;
        webSockets.closeAll(outOfMemory || abandoned ? WebSocketLimits.INTERNAL_ERROR : WebSocketLimits.GOING_AWAY,
                "The worker was unloaded.");
        for (Invocation inv : new ArrayList<>(invocations.values())) {
            end(inv, Outcome.CANCELED, "The worker was unloaded.");
        }
        timers.values().forEach(t -> t.cancel(false));
        timers.clear();
        sockets.closeAll();
        zlib.close();
        try {
            if (loader != null) {
                loader.close();
            }
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

    /**
     * What the isolate's WebSockets run on: an accepted socket's events form an invocation of
     * their own, with the limits of the invocation that accepted it; each event is a turn of
     * it with a fresh CPU budget, subrequest count and wall time.
     */
    private final class SocketHost implements IsolateSockets.Isolate {
        @Override
        public int currentInvocation() {
            return current == null ? 0 : current.id;
        }

        @Override
        public int openInvocation() {
            InvocationOptions by = current != null ? current.options : InvocationOptions.of(InvocationLimits.defaults());
            InvocationOptions options = new InvocationOptions(by.limits(), by.envJson(), by.outbound(), InvocationObserver.NONE);
            Invocation inv = new Invocation(++nextInvocationId, new CompletableFuture<>(), options);
            inv.responded = true;
            inv.status = 101;
            invocations.put(inv.id, inv);
            return inv.id;
        }

        @Override
        public void event(int invocation, IsolateSockets.Event event) {
            Invocation inv = invocations.get(invocation);
            if (inv == null || closed) {
                return;
            }
            inv.cpuNanos = 0;
            inv.subrequests = 0;
            long begin = System.nanoTime();
            inv.observer = host.observeWebSocketEvent(event.kind() == IsolateSockets.Event.CLOSE ? "close" : "message");
            ScheduledFuture<?> wall = engine.timers().schedule(() -> expire(inv, Outcome.EXCEEDED_WALL_TIME),
                    inv.limits.wallTimeMs(), TimeUnit.MILLISECONDS);
            try {
                turn(inv, () -> {
                    if (event.bytes() != null && !memory.fitsAfterCollecting(runtime, event.bytes().length)) {
                        end(inv, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: a WebSocket message ("
                                + event.bytes().length + " bytes) does not fit in it.");
                        return;
                    }
                    try (V8ValueArrayBuffer bytes = event.bytes() == null ? null : bytes(event.bytes())) {
                        long since = millisSinceStart(inv);
                        entry.invokeVoid("socketEvent", runtime.createV8ValueDouble(epochMillis(inv, since)),
                                runtime.createV8ValueDouble(since), runtime.createV8ValueInteger(event.socket()),
                                runtime.createV8ValueInteger(event.kind()),
                                event.text() == null ? runtime.createV8ValueNull() : runtime.createV8ValueString(event.text()),
                                bytes == null ? runtime.createV8ValueNull() : bytes,
                                runtime.createV8ValueInteger(event.code()), runtime.createV8ValueBoolean(event.clean()));
                    }
                });
            } finally {
                wall.cancel(false);
            }
            // An event that hit a limit has ended the invocation, and its observer was told then.
            if (!inv.finished && inv.observer != InvocationObserver.NONE) {
                inv.observer.ended(new InvocationRecord(source.scriptName(), Outcome.OK, inv.cpuNanos,
                        System.nanoTime() - begin, inv.subrequests, 0));
                inv.observer = InvocationObserver.NONE;
            }
        }

        @Override
        public void endInvocation(int invocation) {
            Invocation inv = invocations.get(invocation);
            if (inv != null) {
                finish(inv);
            }
        }

        @Override
        public void post(Runnable work) {
            mailbox.execute(work);
        }
    }

    // ---- value conversion

    /**
     * Bytes for the isolate, as an ArrayBuffer the runtime JavaScript views as a Uint8Array
     * (made natively: looking up the global {@code Uint8Array} would use whatever a worker
     * put there).
     */
    private V8ValueArrayBuffer bytes(byte[] data) throws JavetException {
        V8ValueArrayBuffer buffer = runtime.createV8ValueArrayBuffer(data.length);
        if (data.length > 0) {
            buffer.fromBytes(data);
        }
        return buffer;
    }

    /**
     * Bytes the runtime JavaScript hands out: always an ArrayBuffer holding exactly them,
     * copied from its memory (a view's length and offset would be read through properties
     * a worker can redefine).
     */
    private static byte[] bytesOf(V8Value value) {
        return value instanceof V8ValueArrayBuffer buffer ? buffer.toBytes() : EMPTY;
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

    /** The digests crypto.subtle.digest offers, by their JCA names (the same as Web Crypto's). */
    private static final Set<String> DIGESTS = Set.of("SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5");

    private static final class SecureRandomHolder {
        static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    }
}
