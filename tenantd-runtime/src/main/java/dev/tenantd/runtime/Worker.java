package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.integer;
import static dev.tenantd.runtime.JsValues.string;

import com.caoccao.javet.exceptions.BaseJavetScriptingException;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueObject;
import dev.tenantd.runtime.websocket.WebSocketEnd;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
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
public final class Worker implements AutoCloseable, IsolateTurns {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final String CPU_EXCEEDED = "Worker exceeded CPU time limit.";
    /** Workers' words, which operators search their logs for. */
    static final String AFTER_RESPONSE_CANCELLED = "waitUntil() tasks did not complete within the allowed time after "
            + "invocation end and have been cancelled.";
    private static final long NANOS_PER_MS = 1_000_000L;
    private static final int MEMORY_CHECK_EVERY_TURNS = 32;
    private static final long MEMORY_CHECK_AFTER_NANOS = 500_000L;
    private static final String OVERLOADED = "Server overloaded: it runs its maximum of CPU-heavy requests at once; try again later.";

    private final JsEngine engine;
    private final String scriptName;
    private final String mainModule;
    /** The worker as uploaded, until its isolate has loaded it: a live worker holds no copy of its modules' text. */
    private volatile WorkerSource source;
    private final IsolateShell.Source shells;
    private final WorkerHost host;
    private final Mailbox mailbox;
    private final IsolateMemory memory;
    /** Compression streams in progress (CompressionStream, DecompressionStream, encoded bodies). */
    private final ZlibHandles zlib;
    // The groups of host functions, each with the state it keeps for the isolate.
    private final WorkerLog console;
    private final WorkerTimers timers;
    /** Promises its code rejected with no handler, reported at the end of each turn. */
    private final UnhandledRejections rejections;
    private final Subrequests subrequests;
    private final RpcExports rpcExports;
    private final IdleCollection idleCollection;
    private final WebSocketTurns webSockets;

    // Touched only inside turns.
    private V8Runtime runtime;
    private V8ValueObject entry;
    private final Map<Integer, Invocation> invocations = new HashMap<>();
    /** How many {@code invocations} holds, for other threads to read. */
    private volatile int invocationCount;
    private ScriptLoader loader;
    private int nextInvocationId;
    private int turnsSinceMemoryCheck;
    /** A WebAssembly instance was made here: its code grows its memories unasked, so memory is checked after every turn. */
    private boolean wasmInstances;
    /** Records of invocations that finished in the running turn, handed on once it is charged. */
    private final ArrayList<Runnable> finishedInTurn = new ArrayList<>();
    private final WasmMemoryTracker wasmMemories = new WasmMemoryTracker();
    /** A turn of an isolate with WebAssembly instances ended early: its memory is checked before the next turn runs. */
    private boolean wasmCheckBeforeNextTurn;
    /** The running turn's owner. */
    private Invocation current;
    /** Which invocation the isolate's code belongs to, shared with its JavaScript. */
    private CodeOwners codeOwners;
    private volatile boolean outOfMemory;
    /** A turn stuck in a native call past twice its budget was given up: discard the isolate once it returns. */
    private volatile boolean abandoned;
    /** The isolate takes no new requests: it is discarded once the ones it serves are done. */
    private volatile boolean retiring;
    private volatile CompletableFuture<Void> startup;

    // The running turn, shared with the watchdog and wall-time timers.
    private final Object turnLock = new Object();
    private boolean turnActive;
    private long turnSeq;
    /** CPU time turns of no invocation took in this isolate, all told (see {@link #turn}). */
    private long ownerlessCpuNanos;
    private Invocation turnOwner;
    private Outcome terminatedFor;

    private volatile boolean closed;
    /** Completed once the isolate is closed, whatever closed it. */
    private final CompletableFuture<Void> whenClosed = new CompletableFuture<>();
    private volatile long startupNanos;
    // Touched only inside turns: close once the last invocation in flight ends.
    private boolean closeWhenIdle;

    /** The isolate's queue of turns. */
    Mailbox mailbox() {
        return mailbox;
    }

    Worker(JsEngine engine, WorkerSource source, WorkerHost host, Mailbox mailbox) {
        this(engine, source, host, mailbox, engine::takeShell);
    }

    Worker(JsEngine engine, WorkerSource source, WorkerHost host, Mailbox mailbox, IsolateShell.Source shells) {
        this.engine = engine;
        this.zlib = new ZlibHandles(engine.bodies());
        this.shells = shells;
        this.source = source;
        this.scriptName = source.scriptName();
        this.mainModule = source.mainModule();
        this.host = host;
        this.mailbox = mailbox;
        this.memory = new IsolateMemory(engine.options().heapLimitMb() * 1024L * 1024L, zlib::nativeBytes);
        this.console = new WorkerLog(this, host, scriptName);
        this.timers = new WorkerTimers(this, engine.timers());
        this.rejections = new UnhandledRejections();
        this.webSockets = new WebSocketTurns(this, host, engine.timers(), scriptName, engine.bodies());
        this.subrequests = new Subrequests(this, host, engine.bodies(), webSockets.sockets(),
                this::rpcCaller, scriptName);
        this.rpcExports = new RpcExports(this, subrequests);
        this.idleCollection = new IdleCollection(engine.timers(), engine.quietMoments(), mailbox, () -> nextInvocationId,
                () -> isAlive() && invocations.isEmpty(), () -> runtime);
        mailbox.whenNoThreadForLongTurn(this::shedRunningTurn);
    }

    public String scriptName() {
        return scriptName;
    }

    /** Milliseconds from the isolate's creation to the end of the worker's top-level code. */
    public long startupMillis() {
        return TimeUnit.NANOSECONDS.toMillis(startupNanos);
    }

    /** WebSockets the isolate holds open now (made, accepted or received, and not closed). */
    public int openWebSockets() {
        return webSockets.sockets().open();
    }

    /** Invocations in flight in this isolate now. */
    int invocationCount() {
        return invocationCount;
    }

    /** Whether nothing runs here: no invocation (waitUntil work included) and no open WebSocket. */
    public boolean idle() {
        return invocationCount == 0 && openWebSockets() == 0;
    }

    /** False once the isolate was discarded (closed, or its heap ran out); then load a new one. */
    public boolean isAlive() {
        return !closed && !outOfMemory && !abandoned && !retiring;
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
                loader = new ScriptLoader(source, runtime, entry, engine.moduleCodeCache());
                source = null;
                loader.load(memory.limitBytes(), engine.options().heapLimitMb() * 1024L * 1024L);
                if (loader.hasUncachedModules()) {
                    loader.writeCodeCaches(false);
                }
                if (rejections.any()) {
                    // Rejected by top-level code: reported with the start-up's logs, not the first request's.
                    rejections.report(runtime, entry);
                }
                startupNanos = System.nanoTime() - begin;
                // Top-level code may have grown WebAssembly memory, which the engine does not see.
                boolean wasmOverLimit = wasmInstances && memory.overLimit(runtime, wasmMemoryBytes());
                endTurn(false);
                if (!abandoned && wasmOverLimit) {
                    discard();
                    started.completeExceptionally(new ScriptException("Script startup exceeded memory limits."));
                    return;
                }
                if (abandoned) {
                    // The watchdog gave up on it inside a last native call (its start-up has failed
                    // already): nothing refers to this isolate, so it goes now or never.
                    discard();
                    return;
                }
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
                started.completeExceptionally(new ScriptException(ScriptLoader.describe(e.getScriptingError(), mainModule)));
            } catch (Throwable e) {
                endTurn(false);
                discard();
                started.completeExceptionally(new ScriptException("the script could not be loaded: " + e.getMessage()));
            } finally {
                rejections.discard();
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
        CompletableFuture<WorkerResponse> result = begin(options, inv -> {
            if (!admitsBytes(inv, request.body().length, "the request body (" + request.body().length + " bytes)")) {
                return;
            }
            // A streamed body is the invocation's from here: read as the worker reads it, cancelled when it ends.
            int streamId = request.stream().map(stream -> subrequests.streams().adopt(stream, inv)).orElse(0);
            try (V8Value body = JsValues.body(runtime, request.body())) {
                engine.bodies().release(request.body());
                if (request.body().length >= IsolateMemory.HOST_BYTES_CHECKED_FROM) {
                    measureMemory();
                }
                entry.invokeVoid("invoke", runtime.createV8ValueDouble(inv.startEpochMillis),
                        runtime.createV8ValueInteger(inv.id),
                        runtime.createV8ValueString(request.method()),
                        runtime.createV8ValueString(request.url()),
                        runtime.createV8ValueString(JsValues.joinHeaders(request.headers())),
                        body,
                        runtime.createV8ValueString(options.envJson()),
                        runtime.createV8ValueString(request.cf()),
                        runtime.createV8ValueString(options.entrypoint().name().orElse("")),
                        runtime.createV8ValueString(options.entrypoint().propsJson()),
                        runtime.createV8ValueInteger(streamId),
                        runtime.createV8ValueDouble(request.stream().map(BodyStream::length).orElse(-1L)));
            }
        });
        if (request.stream().isPresent()) {
            // Refused before it began (an unloaded worker, load shed): nobody will read the body.
            result.whenComplete((response, error) -> {
                if (error != null) {
                    request.discardBody();
                }
            });
        }
        return result;
    }

    /**
     * Calls a method of the entrypoint the options name (JS RPC), as an invocation of its own
     * with the options' limits. The future completes with {@code ok} and the result's bytes, or
     * {@code error} and the bytes of the error the method threw (both as rpc.js writes values),
     * or exceptionally with an {@link InvocationException} when the invocation itself failed.
     */
    public CompletableFuture<ChannelReply.Data> rpc(RpcCall call, InvocationOptions options) {
        return begin(options, inv -> {
            if (!admitsBytes(inv, call.args().length, "an RPC call's arguments (" + call.args().length + " bytes)")) {
                return;
            }
            try (V8ValueArrayBuffer args = JsValues.bytes(runtime, call.args())) {
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

    /**
     * Runs the worker's {@code tail} handler on the trace events of another worker's
     * invocations ({@code eventsJson}, a JSON array), as an invocation of its own with the
     * options' limits. The future completes once the handler's promise settles, or
     * exceptionally with an {@link InvocationException} naming how it failed.
     */
    public CompletableFuture<WorkerResponse> tail(String eventsJson, InvocationOptions options) {
        return begin(options, inv -> {
            if (!admitsBytes(inv, 2L * eventsJson.length(), "the tail events (" + eventsJson.length() + " characters)")) {
                return;
            }
            entry.invokeVoid("tail", runtime.createV8ValueDouble(inv.startEpochMillis),
                    runtime.createV8ValueInteger(inv.id), runtime.createV8ValueString(eventsJson));
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
                // Closed after it was handed this request (it retired, say): nothing ran, the pool sends it again.
                result.completeExceptionally(InvocationException.notStarted("The worker was unloaded."));
                return;
            }
            Invocation inv = open(options, result);
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

    /**
     * How often the isolate's heap was compacted after going quiet ({@link IdleCollection}); read
     * without a turn, since a turn is the activity that makes a compaction wait.
     */
    int idleCollections() {
        return idleCollection.collections();
    }

    @Override
    public void close() {
        if (!closed) {
            mailbox.execute(this::discard);
        }
    }

    /** Completes once the isolate is closed: by {@link #close}, {@link #closeWhenIdle} or a failure. */
    public CompletableFuture<Void> whenClosed() {
        return whenClosed;
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

    // ---- what the host functions reach (IsolateTurns)

    @Override
    public V8Runtime runtime() {
        return runtime;
    }

    @Override
    public V8ValueObject entry() {
        return entry;
    }

    /**
     * The invocation a host call being answered is made for: that of the calling code (the
     * frame it runs in, continuation.js), which differs from the turn's owner where the code
     * awaited a promise another request's I/O settled; the turn's owner when the code belongs
     * to no invocation still open.
     */
    @Override
    public Invocation turnOwner() {
        return current;
    }

    @Override
    public Invocation current() {
        int caller = codeOwners == null ? 0 : codeOwners.caller();
        if (caller != 0 && (current == null || caller != current.id)) {
            Invocation own = invocations.get(caller);
            if (own != null) {
                return own;
            }
        }
        return current;
    }

    @Override
    public Invocation invocation(int id) {
        return invocations.get(id);
    }

    @Override
    public void post(Runnable work) {
        mailbox.execute(work);
    }

    @Override
    public boolean closed() {
        return closed;
    }

    @Override
    public Invocation open(InvocationOptions options) {
        return open(options, new CompletableFuture<>());
    }

    private Invocation open(InvocationOptions options, CompletableFuture<WorkerResponse> result) {
        Invocation inv = new Invocation(++nextInvocationId, result, options);
        invocations.put(inv.id, inv);
        invocationCount = invocations.size();
        return inv;
    }

    @Override
    public boolean admitsBytes(Invocation owner, long bytes, String what) {
        if (memory.fitsAfterCollecting(runtime, bytes)) {
            return true;
        }
        end(owner, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: " + what + " does not fit in it.");
        return false;
    }

    /** The caller of a channel call, with the way back to what an RPC call passes. */
    private Caller rpcCaller(Invocation owner, int call) {
        return rpcExports.caller(owner, call);
    }

    // ---- turns and limits

    private void beginTurn(Invocation owner) {
        memory.turnStarted();
        synchronized (turnLock) {
            turnSeq++;
            turnActive = true;
            turnOwner = owner;
            terminatedFor = null;
        }
        current = owner;
        if (codeOwners != null) {
            codeOwners.turnBegins(owner == null ? 0 : owner.id);
        }
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
        if (codeOwners != null) {
            codeOwners.turnEnds();
        }
        if (why != null && !sawTermination && runtime != null && !closed) {
            runtime.cancelTerminateExecution();
        }
        return why;
    }

    /** Called from the watchdog or a wall-time timer: stops the running turn if it belongs to {@code owner}. */
    @Override
    public void expire(Invocation owner, Outcome why) {
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
                + "and the isolate is discarded when the call returns", scriptName);
        engine.timers().execute(() -> {
            if (owner != null) {
                owner.result.completeExceptionally(new InvocationException(Outcome.EXCEEDED_CPU, CPU_EXCEEDED));
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
    @Override
    public void turn(Invocation owner, JsCall call) {
        if (closed) {
            return;
        }
        // Turns for no invocation (the answer to a call made at global scope, a body dropped) may
        // still run the worker's code, in a callback, and such a callback may make another call:
        // together they get the CPU budget of top-level code, once in the isolate's life.
        long ownerlessLeft = owner == null ? engine.options().startupCpuMs() * NANOS_PER_MS - ownerlessCpuNanos : 0;
        if (owner == null && ownerlessLeft <= 0) {
            return;
        }
        if (owner != null && !owner.finished && owner.budget.cpuNanosLeft() == 0) {
            // Spent, by itself or by the workers it called (whose time it shares): nothing more of it runs.
            endSpent();
            return;
        }
        long cpuStart = TurnCpuClock.lastReading();
        beginTurn(owner);
        if (owner != null) {
            // What is left of its own limit, or less when a worker that called it has less left.
            long left = owner.budget.cpuNanosLeft();
            armCpu(owner, cpuStart + left, cpuStart + left + owner.budget.tightestCpuNanos());
        } else {
            // Given up only a whole budget of top-level code past what was left: twice a small
            // remainder can be shorter than one native call (a host call, a garbage collection)
            // that termination must wait for.
            armCpu(null, cpuStart + ownerlessLeft, cpuStart + ownerlessLeft + engine.options().startupCpuMs() * NANOS_PER_MS);
        }
        boolean terminated = false;
        try {
            if (memory.measureBeforeNextTurn()) {
                measureMemory();
            }
            if (wasmCheckBeforeNextTurn) {
                wasmCheckBeforeNextTurn = false;
                if (memory.overLimit(runtime, wasmMemoryBytes())) {
                    outOfMemory = true;
                    if (owner != null && owner.cpuNanos == 0) {
                        // None of its code ran: the pool sends it again, to a fresh isolate.
                        owner.result.completeExceptionally(InvocationException.notStarted(
                                "The worker was unloaded: over its memory limit."));
                    }
                }
            }
            if (!outOfMemory) {
                call.run();
            }
            if (rejections.any()) {
                rejections.report(runtime, entry);
            }
        } catch (JavetTerminatedException e) {
            terminated = true;
        } catch (JavetException e) {
            LOG.warn("worker {}: call into the isolate failed: {}", scriptName, e.getMessage());
            if (owner != null) {
                end(owner, Outcome.EXCEPTION, e.getMessage());
            }
        } finally {
            if (rejections.any()) {
                rejections.discard();
            }
            Outcome why = endTurn(terminated);
            long turnEnd = TurnCpuClock.read();
            long spent = turnEnd - cpuStart;
            charge(owner, spent);
            handOnFinished();
            if (terminated || why != null || outOfMemory) {
                afterTermination(owner, why);
                if (abandoned) {
                    discard();
                } else if (wasmInstances) {
                    // A turn ended early may still have grown WebAssembly memory first. Measured
                    // at the start of the next turn: a call into the isolate now would run the
                    // promise jobs the ended turn left, outside any turn's limits.
                    wasmCheckBeforeNextTurn = true;
                }
            } else if (wasmInstances || ++turnsSinceMemoryCheck >= MEMORY_CHECK_EVERY_TURNS
                    || spent > MEMORY_CHECK_AFTER_NANOS) {
                turnsSinceMemoryCheck = 0;
                checkMemoryBetweenTurns();
                if (owner != null) {
                    // Measuring what the turn's code left (its WebAssembly memories take a host
                    // call each) is work for the turn's owner. (A turn of no invocation leaves it
                    // to the next turn, as anything run between turns: its own budget is the
                    // isolate's top-level code's, once in its life.)
                    charge(owner, TurnCpuClock.read() - turnEnd);
                }
            }
        }
    }

    private void handOnFinished() {
        if (finishedInTurn.isEmpty()) {
            return;
        }
        List<Runnable> records = new ArrayList<>(finishedInTurn);
        finishedInTurn.clear();
        records.forEach(Runnable::run);
    }

    private void charge(Invocation owner, long cpuNanos) {
        if (owner != null) {
            owner.cpuNanos += cpuNanos;
            owner.budget.spend(cpuNanos);
        } else {
            ownerlessCpuNanos += cpuNanos;
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
        double wasm;
        try {
            wasm = wasmMemoryBytes();
        } catch (JavetTerminatedException e) {
            wasm = Double.MAX_VALUE; // no turn runs between turns: an isolate that says so is not trusted
        }
        if (memory.overLimit(runtime, wasm)) {
            outOfMemory = true;
            afterTermination(null, Outcome.EXCEEDED_MEMORY);
        }
    }

    /**
     * What the isolate's WebAssembly memories hold, which the engine's statistics leave out: asked
     * of the runtime JavaScript only once the worker made an instance, whose code may have grown them.
     */
    private double wasmMemoryBytes() throws JavetTerminatedException {
        if (!wasmInstances) {
            return 0;
        }
        try {
            return entry.invokeDouble("wasmMemoryBytes");
        } catch (JavetTerminatedException e) {
            // A limit stopped the turn the measure runs in (promise jobs an ended turn left run
            // with it): that turn ends for its own reason.
            throw e;
        } catch (JavetException e) {
            // Unmeasured, it is taken for over the limit: the isolate is discarded.
            LOG.warn("worker {}: could not measure its WebAssembly memory: {}", scriptName, e.getMessage());
            return Double.MAX_VALUE;
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
            case EXCEEDED_CPU -> CPU_EXCEEDED;
            case EXCEEDED_WALL_TIME -> "Worker exceeded its wall time limit.";
            case LOAD_SHED -> OVERLOADED;
            case EXCEEDED_MEMORY -> "Worker exceeded memory limit.";
            default -> "Worker was terminated.";
        });
        if (outcome == Outcome.EXCEEDED_CPU) {
            endSpent();
        }
    }

    /**
     * Ends every invocation here that has nothing left of its CPU budget: one that shares it
     * with a worker it called may be waiting for something that worker's end means will never
     * come (a WebSocket message, or its close), and would otherwise wait for its wall time.
     */
    private void endSpent() {
        for (Invocation inv : new ArrayList<>(invocations.values())) {
            if (!inv.finished && inv.budget.cpuNanosLeft() == 0) {
                end(inv, Outcome.EXCEEDED_CPU, CPU_EXCEEDED);
            }
        }
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
    @Override
    public void end(Invocation inv, Outcome outcome, String message) {
        if (inv.finished) {
            return;
        }
        if (!inv.responded && !inv.failed) {
            inv.failed = true;
            if (!inv.result.completeExceptionally(new InvocationException(outcome, message))
                    && inv.result.state() == Future.State.FAILED
                    && inv.result.exceptionNow() instanceof InvocationException told) {
                // The client has had its answer already (a turn given up at twice its budget,
                // whose stuck call then ran out of memory too): the record says what it was told.
                outcome = told.outcome();
            }
        }
        if (outcome == Outcome.EXCEPTION) {
            inv.observer.exception("Error", message, System.currentTimeMillis());
        }
        inv.outcome = outcome;
        finish(inv);
    }

    /** Hands on what an invocation that is over did: its outcome, CPU and wall time, subrequests. */
    private void record(Invocation inv, long wallNanos) {
        Outcome outcome = inv.outcome != null ? inv.outcome : inv.failed ? Outcome.EXCEPTION : Outcome.OK;
        InvocationRecord record = new InvocationRecord(scriptName, outcome, inv.cpuNanos, wallNanos, inv.subrequests,
                inv.status);
        // What the host and the observer do with the record must not stop this isolate's own
        // bookkeeping (an unload ending every invocation in a loop, say) half-way.
        handOn(() -> host.invocationEnded(record));
        handOn(() -> inv.observer.ended(record));
    }

    /** The invocation is over: response sent or failed, and every waitUntil promise settled. */
    @Override
    public void finish(Invocation inv) {
        if (inv.finished) {
            return;
        }
        inv.finished = true;
        invocations.remove(inv.id);
        invocationCount = invocations.size();
        if (inv.wallTimer != null) {
            inv.wallTimer.cancel(false);
        }
        if (inv.afterResponseTimer != null) {
            inv.afterResponseTimer.cancel(false);
        }
        timers.invocationEnded(inv);
        subrequests.invocationEnded(inv);
        zlib.closeOwnedBy(inv);
        webSockets.sockets().invocationEnded(inv.id);
        rpcExports.invocationEnded(inv);
        long wallNanos = System.nanoTime() - inv.startNanos;
        if (turnActive && current == inv) {
            // Finished in a turn of its own, whose CPU time is charged when the turn ends: the
            // record waits for it.
            finishedInTurn.add(() -> record(inv, wallNanos));
        } else {
            record(inv, wallNanos);
        }
        if (loader != null && loader.hasUncachedModules()) {
            // Not from here either: after this invocation, in a task of its own.
            mailbox.execute(() -> {
                if (!closed && loader != null) {
                    loader.writeCodeCaches(true);
                }
            });
        }
        if (closeWhenIdle) {
            // Not from here: this may run inside a call from JavaScript into the host.
            mailbox.execute(this::discardIfIdle);
        } else if (invocations.isEmpty()) {
            idleCollection.quiet();
        }
    }

    private void handOn(Runnable delivery) {
        try {
            delivery.run();
        } catch (RuntimeException e) {
            LOG.warn("worker {}: handing on the record of an invocation failed: {}", scriptName, e.toString());
        }
    }

    // ---- isolate setup, inside turns

    private void createIsolate() throws JavetException {
        IsolateShell shell = shells.take();
        runtime = shell.runtime;
        entry = shell.entry;
        codeOwners = shell.codeOwners;
        java.util.EnumMap<HostCall, IsolateShell.HostFunction> handlers = new java.util.EnumMap<>(HostCall.class);
        bindHostFunctions(handlers);
        shell.adopt(handlers, () -> outOfMemory = true, this::afterGc, (event, promise, reason) -> {
            try {
                rejections.notice(event, promise, reason);
            } catch (JavetException e) {
                LOG.debug("worker {}: a promise rejected with no handler could not be kept: {}", scriptName, e.getMessage());
            }
        });
        idleCollection.loading();
    }

    // ---- host functions: the only Java the worker's JavaScript can reach

    private void bindHostFunctions(Map<HostCall, IsolateShell.HostFunction> hostObject) {
        console.bind(hostObject);
        hostObject.put(HostCall.COLLECT_GARBAGE,
                args -> runtime.createV8ValueDouble(memory.collectInTurn(runtime, JsValues.isTrue(args[0]))));
        hostObject.put(HostCall.WASM_INSTANCE_MADE, args -> {
            wasmInstances = true;
            if (JsValues.isTrue(args[0]) && !retiring) {
                retiring = true;
                LOG.info("worker {}: a WebAssembly instance whose start function failed may still be reachable; a fresh "
                        + "isolate takes its next requests", scriptName);
                closeWhenIdle();
            }
            return null;
        });
        hostObject.put(HostCall.WASM_MEMORY_MADE,
                args -> runtime.createV8ValueBoolean(wasmMemories.made(args[0], JsValues.number(args[1]))));
        hostObject.put(HostCall.WASM_MEMORY_COUNT, args -> {
            int more = JsValues.integer(args[0]);
            if (more > 0 && wasmMemories.count() + more > WasmMemoryTracker.MAX_ALIVE) {
                // Those no longer reachable leave the count at a collection.
                memory.collectInTurn(runtime, false);
            }
            return runtime.createV8ValueInteger(wasmMemories.count());
        });
        hostObject.put(HostCall.WASM_MEMORY_AT, args -> wasmMemories.at(JsValues.integer(args[0])));
        hostObject.put(HostCall.WASM_MEMORIES_REACHABLE,
                args -> runtime.createV8ValueDouble(wasmMemories.reachableBytes(JsValues.number(args[0]))));
        hostObject.put(HostCall.MEMORY_GREW, args -> {
            memory.grew();
            return null;
        });
        hostObject.put(HostCall.RETIRE, args -> {
            if (JsValues.isTrue(args[0])) {
                outOfMemory = true;
                memoryExceeded();
            } else if (!retiring) {
                retiring = true;
                LOG.info("worker {}: the memory behind its Intl objects passed half its limit; a fresh isolate takes "
                        + "its next requests", scriptName);
                closeWhenIdle();
            }
            return null;
        });
        hostObject.put(HostCall.MEMORY_EXCEEDED, args -> {
            memoryExceeded();
            return null;
        });
        CryptoHostCalls.bind(hostObject, runtime, engine.bodies());
        timers.bind(hostObject);
        hostObject.put(HostCall.COMPLETE, args -> {
            complete(invocations.get(integer(args[0])), args);
            return null;
        });
        hostObject.put(HostCall.FAIL, args -> {
            Invocation inv = invocations.get(integer(args[0]));
            if (inv != null && inv.awaitingResponse()) {
                inv.failed = true;
                inv.status = 500;
                Outcome outcome = inv.hitSubrequestLimit ? Outcome.EXCEEDED_SUBREQUESTS : Outcome.EXCEPTION;
                inv.outcome = outcome;
                inv.result.completeExceptionally(new InvocationException(outcome, string(args[1]), string(args[2])));
                inv.observer.exception(string(args[1]), string(args[2]), string(args[3]), System.currentTimeMillis());
                console.log(inv, "error", "Uncaught " + string(args[3]));
                responseOver(inv);
            }
            return null;
        });
        hostObject.put(HostCall.FINISHED, args -> {
            Invocation inv = invocations.get(integer(args[0]));
            if (inv != null) {
                finish(inv);
            }
            return null;
        });
        subrequests.bind(hostObject);
        webSockets.bind(hostObject);
        rpcExports.bind(hostObject);
        // Streams opened by top-level code belong to the isolate, not to an invocation.
        ZlibHostCalls.bind(hostObject, runtime, zlib, () -> {
                    Invocation c = current();
                    return c != null ? c : this;
                },
                bytes -> memory.fitsAfterCollecting(runtime, bytes));
        IdnaHostCalls.bind(hostObject, runtime);
        WordSegmentHostCalls.bind(hostObject, runtime);
        TextCodecHostCalls.bind(hostObject, runtime, memory.limitBytes());
    }

    /**
     * The invocation's response: (invocation, status, statusText, headers, body, done, heldId,
     * webSocket). A body handed on unread (a held subrequest body) never entered the isolate.
     */
    private void complete(Invocation inv, V8Value[] args) {
        if (inv == null || !inv.awaitingResponse()) {
            if (args.length > 9 && integer(args[9]) > 0) {
                subrequests.streams().drop(integer(args[9]));
            }
            return;
        }
        if (tooLarge(args[4])) {
            end(inv, Outcome.EXCEEDED_MEMORY, "Worker exceeded memory limit: the response body is larger than "
                    + engine.options().heapLimitMb() + " MB.");
            return;
        }
        long size = JsValues.byteLength(args[4]);
        if (!engine.bodies().admits(size)) {
            end(inv, Outcome.LOAD_SHED, engine.bodies().refusal(size));
            return;
        }
        int streamId = args.length > 8 ? integer(args[8]) : 0;
        Optional<BodyStream> stream = streamId > 0 ? subrequests.streams().take(streamId, inv) : Optional.empty();
        if (streamId > 0 && stream.isEmpty()) {
            // Never an empty body in its place: the answer of a fetch() another request made (a
            // promise of it kept in module state, say) is that request's, and went with it if it ended.
            end(inv, Outcome.EXCEPTION, "TypeError: The response body belongs to another request: it is the answer "
                    + "of a fetch() another request made (a promise of it kept in module state, say). Fetch it "
                    + "within this request.");
            return;
        }
        Optional<byte[]> handedOn = args.length > 6 ? subrequests.takeHeld(integer(args[6])) : Optional.empty();
        Optional<WebSocketEnd> socket = args.length > 7 ? webSockets.sockets().release(integer(args[7])) : Optional.empty();
        List<String> headers = JsValues.splitHeaders(string(args[3]));
        IsolateBodyStream ownBody = null;
        if (stream.isEmpty() && args.length > 9 && integer(args[9]) > 0) {
            // A response's Content-Length is no promise of its stream's length: a worker that
            // passes on an origin's headers with a transformed body (or one the origin sent
            // compressed) keeps a length the stream does not have. It leaves chunked.
            // A FixedLengthStream's readable side is the exception: held to its length, it says it.
            long length = args.length > 10 ? (long) JsValues.number(args[10]) : -1;
            ownBody = subrequests.streams().fromIsolate(integer(args[9]), inv, length);
            stream = Optional.of(ownBody);
        }
        WorkerResponse response = new WorkerResponse(integer(args[1]), string(args[2]), headers,
                handedOn.orElseGet(() -> JsValues.bytesOf(args[4])), "", 0, socket, stream);
        Optional<String> problem = HeaderRules.statusProblem(response.status(), response.statusText(), socket.isPresent())
                .or(() -> HeaderRules.problem(response.headers()));
        if (problem.isPresent()) {
            socket.ifPresent(end -> end.close(WebSocketLimits.INTERNAL_ERROR, "The worker's response could not be sent."));
            response.discardBody();
            refuseResponse(inv, problem.get());
        } else {
            inv.responded = true;
            inv.status = response.status();
            inv.observer.responded(inv.status);
            if (handedOn.isEmpty()) {
                engine.bodies().hold(response.body());
            }
            inv.result.complete(response);
        }
        // The common case, no waitUntil work: the invocation ends with its response.
        if (args.length > 5 && JsValues.isTrue(args[5])) {
            finish(inv);
        } else if (ownBody != null) {
            // A body the worker streams is part of its response: the time after it starts at its end.
            ownBody.whenOver(() -> mailbox.execute(() -> responseOver(inv)));
        } else if (socket.isEmpty() || problem.isPresent()) {
            // (A WebSocket's invocation lasts as long as the socket it accepted.)
            responseOver(inv);
        }
    }

    /**
     * The response is over (sent whole, broken off, left by its client, or failed): the waitUntil
     * work still pending has {@link InvocationLimits#afterResponseMs} more, as on Workers, within
     * the wall time. Past that it is cancelled, and the worker's log says so.
     */
    private void responseOver(Invocation inv) {
        if (inv.finished || inv.afterResponseTimer != null) {
            return;
        }
        inv.afterResponseTimer = engine.timers().schedule(() -> mailbox.execute(() -> {
            if (!inv.finished) {
                console.log(inv, "warn", AFTER_RESPONSE_CANCELLED);
                finish(inv);
            }
        }), inv.limits.afterResponseMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * A response whose status line or headers could not go on the wire (the runtime JavaScript
     * checks them, but a worker can change its own built-ins): the invocation fails as an
     * exception, so the client gets a 500, and both the host's log and the worker's name the header.
     */
    private void refuseResponse(Invocation inv, String problem) {
        String message = "The worker's response cannot be sent: " + problem + ".";
        LOG.warn("worker {}: invalid response, answering 500: {}", scriptName, problem);
        console.log(inv, "error", "Uncaught TypeError: " + message);
        inv.observer.exception("TypeError", message, System.currentTimeMillis());
        inv.failed = true;
        inv.status = 500;
        inv.outcome = Outcome.EXCEPTION;
        inv.result.completeExceptionally(new InvocationException(Outcome.EXCEPTION, "TypeError", message));
    }

    /** The Content-Length the headers state, or -1. */
    static long declaredLength(List<String> headers) {
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase("content-length")) {
                try {
                    return Long.parseLong(headers.get(i + 1).strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** A body that would not fit in the isolate's memory limit is never copied out of it. */
    private boolean tooLarge(V8Value body) {
        return JsValues.byteLength(body) > memory.limitBytes();
    }

    private void discard() {
        if (closed) {
            return;
        }
        closed = true;
        webSockets.sockets().closeAll(outOfMemory || abandoned ? WebSocketLimits.INTERNAL_ERROR : WebSocketLimits.GOING_AWAY,
                "The worker was unloaded.");
        for (Invocation inv : new ArrayList<>(invocations.values())) {
            end(inv, Outcome.CANCELED, "The worker was unloaded.");
        }
        timers.cancelAll();
        subrequests.closeAll();
        zlib.close();
        try {
            if (loader != null) {
                loader.close();
            }
            if (entry != null) {
                entry.close();
            }
            if (runtime != null) {
                wasmMemories.close();
                if (codeOwners != null) {
                    codeOwners.close();
                }
                runtime.setV8ModuleResolver(null);
                runtime.close();
            }
        } catch (JavetException e) {
            LOG.warn("worker {}: closing the isolate failed", scriptName, e);
        } finally {
            whenClosed.complete(null);
        }
    }

}
