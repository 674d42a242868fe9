package dev.tenantd.platform;

import dev.tenantd.platform.binding.BindingKinds;
import dev.tenantd.platform.binding.BindingScope;
import dev.tenantd.platform.binding.WorkerCalls;
import dev.tenantd.platform.observability.InvocationRecorder;
import dev.tenantd.platform.observability.Observers;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.Caller;
import dev.tenantd.runtime.Entrypoint;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.InvocationLimits;
import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.InvocationOptions;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.runtime.OutboundFetch;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.RpcCall;
import dev.tenantd.runtime.Worker;
import dev.tenantd.runtime.WorkerModule;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.WorkerSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs workers: finds the version a request goes to in the {@link Directory}, applies the
 * narrowest limits and the per-version cap on requests in flight, keeps isolates in the
 * {@link WorkerPool}, and serves what the isolates ask of the host (egress, bindings).
 */
public final class Invoker implements WorkerCalls, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Invoker.class);
    private final Directory directory;
    private final BlobStore blobs;
    private final Limits limits;
    private final Assets assets;
    private final Egress egress;
    private final EgressPolicy egressPolicy;
    private final BindingKinds bindingKinds;
    private final Tails tails;
    private final TailDelivery tailDelivery;
    private final InvocationRecords records;
    private final WorkerPool pool;
    /** Keeps resident memory under its limit, once {@link #guardResidentMemory} started it. */
    private volatile ResidentGuard residentGuard;
    private final java.util.concurrent.ThreadPoolExecutor assetIo = new java.util.concurrent.ThreadPoolExecutor(2, 2, 0,
            java.util.concurrent.TimeUnit.MILLISECONDS, new FairQueue(ASSET_QUEUE, ASSET_QUEUE / 4), r -> {
                Thread t = new Thread(r, "tenantd-assets");
                t.setDaemon(true);
                return t;
            });
    /**
     * Invocations in flight per script (by its id), whichever of its versions serves them: a
     * split deployment's versions share the script's cap. A script with none has no entry, so
     * deleted scripts leave nothing behind.
     */
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    /** What one user worker holds of a dispatch or outbound worker that serves them all. */
    private final TenantShares shares;
    /** Set once by {@link Platform} while it is built, before any invocation. */
    private InvocationMetrics metrics = InvocationMetrics.NONE;
    /**
     * How many workers calling workers (JS RPC through service bindings and dispatch stubs)
     * one chain may pass through; a deeper call fails, so recursion between workers ends.
     */
    public static final int MAX_CALL_DEPTH = 16;

    Invoker(Directory directory, BlobStore blobs, JsEngine engine, Limits limits, Assets assets, Egress egress,
            EgressPolicy egressPolicy, java.util.function.Function<WorkerCalls, BindingKinds> kinds, Tails tails,
            InvocationRecorder recorder) {
        this.directory = directory;
        this.blobs = blobs;
        this.limits = limits;
        this.shares = new TenantShares(limits.concurrentInvocations());
        this.assets = assets;
        this.egress = egress;
        this.egressPolicy = egressPolicy;
        this.tails = tails;
        this.tailDelivery = new TailDelivery(tails, directory, this::invokeTail);
        this.records = new InvocationRecords(recorder, directory);
        this.bindingKinds = kinds.apply(this);
        this.pool = new WorkerPool(engine, limits.liveIsolates(), this::loadSource, this::hostFor);
        // Started here, not by a first task: a thread takes the priority of the thread that makes
        // it, and a JS thread running a long turn at the lowest one may ask for the first asset.
        assetIo.prestartAllCoreThreads();
    }

    BindingKinds bindingKinds() {
        return bindingKinds;
    }

    WorkerPool pool() {
        return pool;
    }

    /** Isolates loaded right now (an operator's gauge). */
    public int liveIsolates() {
        return pool.size();
    }

    /**
     * From now on the process's resident memory is kept under {@code limitBytes} by evicting
     * idle isolates, and no isolate is loaded while it is over ({@link ResidentGuard}).
     */
    public void guardResidentMemory(long limitBytes) {
        guardResidentMemory(limitBytes, dev.tenantd.runtime.ResidentMemory::bytes);
    }

    /** The same, with {@code resident} read as the process's resident memory (a test's own). */
    public void guardResidentMemory(long limitBytes, java.util.function.LongSupplier resident) {
        if (residentGuard != null) {
            residentGuard.close();
        }
        ResidentGuard guard = ResidentGuard.start(limitBytes, resident,
                new ResidentGuard.Isolates() {
                    @Override
                    public int evictIdle(int count) {
                        return pool.evictIdle(count);
                    }

                    @Override
                    public int live() {
                        return pool.liveCount();
                    }
                });
        pool.refuseLoadsWhile(guard::isOver);
        residentGuard = guard;
    }

    /** Whether the process's resident memory is over its limit now (then no worker is loaded). */
    public boolean residentOverLimit() {
        ResidentGuard guard = residentGuard;
        return guard != null && guard.isOver();
    }

    /** The resident memory limit when none is configured: most of what the machine (or container) has. */
    public static long defaultResidentLimitBytes() {
        return ResidentGuard.defaultLimitBytes();
    }

    /** Every isolate of a worker open now, as the engine counts them (the pool's, and those it let go that are still closing). */
    public int openIsolates() {
        return pool.openIsolates();
    }

    /** Trace items dropped because Tail Worker delivery fell behind (an operator's counter). */
    public long tailEventsDropped() {
        return tailDelivery.dropped();
    }

    /** Tail Worker invocations that failed: the consumer threw, was missing, shed or over a limit. */
    public long tailInvocationsFailed() {
        return tailDelivery.failed();
    }

    /** Isolates started since the server started (an operator's counter). */
    public long isolatesStarted() {
        return pool.started();
    }

    /** Isolates evicted from the pool to make room for others since the server started. */
    public long isolatesEvicted() {
        return pool.evicted();
    }

    /** The executor that loads workers' code. */
    public NamedExecutor loadExecutor() {
        return new NamedExecutor("load", pool.io());
    }

    /** The executor that reads sites and their files for requests. */
    public NamedExecutor assetExecutor() {
        return new NamedExecutor("assets", assetIo);
    }

    void meterWith(InvocationMetrics metrics) {
        this.metrics = java.util.Objects.requireNonNull(metrics);
        // A worker whose code cannot be loaded (damaged blobs, a top-level error) never reaches an isolate.
        pool.onLoadFailure((ref, outcome) -> metrics.refused(namespaceLabel(ref), ref.name(), outcome));
    }

    /** An invocation of {@code ref} ended in its isolate: counted by namespace name and script. */
    void invocationEnded(ScriptRef ref, dev.tenantd.runtime.InvocationRecord record) {
        metrics.ended(namespaceLabel(ref), ref.name(), record);
    }

    private String namespaceLabel(ScriptRef ref) {
        if (ref.namespaceId().isEmpty()) {
            return InvocationMetrics.PLAIN;
        }
        Namespace ns = directory.namespaceById(ref.namespaceId()).orElse(null);
        return ns == null ? InvocationMetrics.PLAIN : ns.name();
    }

    @Override
    public Limits limits() {
        return limits;
    }

    /** Runs a script's current version on a request. Fails with {@link InvocationException}. */
    public CompletableFuture<WorkerResponse> invoke(ScriptRef ref, WorkerRequest request) {
        return invoke(ref, request, Call.of(limits.invocation()));
    }

    /**
     * Runs a script's current version on a request that came {@code depth} calls deep: a worker's
     * {@code fetch()} that came back to this server through the network ({@link Caller#DEPTH_HEADER}).
     */
    public CompletableFuture<WorkerResponse> invoke(ScriptRef ref, WorkerRequest request, int depth) {
        return invoke(ref, request, depth == 0 ? Call.of(limits.invocation())
                : new Call(limits.invocation(), "", Optional.empty(), Entrypoint.DEFAULT, new Caller(depth, Optional.empty())));
    }

    /**
     * Runs a script's current version within the narrowest of the platform's limits,
     * the script's own and {@code callLimits}.
     */
    public CompletableFuture<WorkerResponse> invoke(ScriptRef ref, WorkerRequest request, InvocationLimits callLimits) {
        return invoke(ref, request, Call.of(callLimits));
    }

    /**
     * How one worker is called: the call's limits, env values for this invocation only (an
     * outbound worker's parameters), where its subrequests go, the entrypoint it enters, and
     * who calls it.
     */
    private record Call(InvocationLimits limits, String envJson, Optional<OutboundFetch> outbound, Entrypoint entrypoint,
            Caller caller) {
        static Call of(InvocationLimits limits) {
            return new Call(limits, "", Optional.empty(), Entrypoint.DEFAULT, Caller.OUTSIDE);
        }

        /** This call, serving a client request: a new one when it comes from outside. */
        Call withRequestId() {
            Caller identified = InvocationRecords.withRequestId(caller);
            return identified == caller ? this : new Call(limits, envJson, outbound, entrypoint, identified);
        }
    }

    private CompletableFuture<WorkerResponse> invoke(ScriptRef ref, WorkerRequest request, Call given) {
        Call call = given.withRequestId();
        Optional<Script> script;
        try {
            script = target(ref, call.caller());
        } catch (RuntimeException e) {
            if (e instanceof InvocationException missing && missing.outcome() == Outcome.SCRIPT_NOT_FOUND) {
                records.notFound(ref, request, call.caller());
            }
            return CompletableFuture.failedFuture(e);
        }
        Script serving = script.get().forRequest();
        ScriptVersion version = serving.current();
        if (assets.mayServeFirst(version, request).orElse(true)) {
            // A site's manifest and files are read on the asset threads, never on an event loop or a JS thread:
            // the requests that go there are those an asset may answer, and those of a site not parsed yet.
            return onAssetThreads(ref.toString(), () -> assets.servesFirst(version) ? assets.serve(version, request)
                    : Optional.<WorkerResponse>empty())
                    .exceptionallyCompose(error -> CompletableFuture.failedFuture(unavailableIfDamaged(ref, unwrap(error))))
                    .thenCompose(asset -> asset.isPresent() ? CompletableFuture.completedFuture(asset.get())
                            : run(serving, call, observe(serving, request, call),
                                    (worker, options) -> worker.fetch(request, options)));
        }
        return run(serving, call, observe(serving, request, call), (worker, options) -> worker.fetch(request, options));
    }

    /** The observer of a fetch invocation: its live tails and its record, each only if wanted. */
    private InvocationObserver observe(Script serving, WorkerRequest request, Call call) {
        InvocationObserver record = records.observe(serving, request, call.caller());
        // What a Tail Worker's run calls feeds no tail: a consumer calling a worker it tails would feed itself.
        return call.caller().fromTail() ? record : Observers.both(tailDelivery.observe(serving, request), record);
    }

    /**
     * Runs a Tail Worker's {@code tail()} handler on a producer's trace items, within the
     * platform's limits. Its own invocation is observed by nobody, so no tail feeds itself.
     */
    private CompletableFuture<WorkerResponse> invokeTail(ScriptRef consumer, String eventsJson) {
        Optional<Script> script;
        try {
            script = target(consumer, Caller.OUTSIDE);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return run(script.get().forRequest(), new Call(limits.invocation(), "", Optional.empty(), Entrypoint.DEFAULT,
                Caller.TAIL), InvocationObserver.NONE, (worker, options) -> worker.tail(eventsJson, options));
    }

    /**
     * The script a call goes to. Throws {@link InvocationException}: a call deeper than
     * {@link #MAX_CALL_DEPTH} in workers calling workers, or a script that does not exist.
     */
    private Optional<Script> target(ScriptRef ref, Caller caller) {
        if (caller.depth() > MAX_CALL_DEPTH) {
            throw new InvocationException(Outcome.EXCEPTION, "Error", "Subrequest depth limit exceeded: this call went "
                    + "through more than " + MAX_CALL_DEPTH + " workers calling workers. A worker that calls itself or "
                    + "another worker recursively must stop at a smaller depth.");
        }
        Optional<Script> script = directory.script(ref);
        if (script.isEmpty()) {
            metrics.refused(namespaceLabel(ref), "", Outcome.SCRIPT_NOT_FOUND);
            throw new InvocationException(Outcome.SCRIPT_NOT_FOUND, "Worker not found.");
        }
        return script;
    }

    private void leftFlight(String scriptId) {
        inFlight.compute(scriptId, (id, n) -> n == null || n <= 1 ? null : n - 1);
    }

    /** Invocations of the script in flight now, whichever of its versions serve them. */
    public int inFlight(ScriptRef ref) {
        return directory.script(ref).map(s -> inFlight.getOrDefault(s.id(), 0)).orElse(0);
    }

    /** How many scripts have invocations in flight now (the table of in-flight counts keeps no others). */
    public int scriptsInFlight() {
        return inFlight.size();
    }

    /** Runs the version a call was given to, within the narrowest limits and the script's in-flight cap. */
    private <T> CompletableFuture<T> run(Script serving, Call call, InvocationObserver observer,
            java.util.function.BiFunction<Worker, InvocationOptions, CompletableFuture<T>> start) {
        ScriptVersion version = serving.current();
        InvocationLimits effective = limits.forInvocation(version.limits(), call.limits());
        // A user worker's budget is shared by everything it calls (CallBudget).
        Caller caller = serving.ref().namespace().isPresent() ? call.caller().inChain(serving.ref()) : call.caller();
        InvocationOptions options = new InvocationOptions(effective, call.envJson(), call.outbound(), observer,
                caller, call.entrypoint());
        String scriptId = serving.id();
        if (inFlight.merge(scriptId, 1, Integer::sum) > limits.concurrentInvocations()) {
            leftFlight(scriptId);
            observer.ended(new dev.tenantd.runtime.InvocationRecord(serving.ref().name(), Outcome.LOAD_SHED, 0, 0, 0, 503));
            metrics.refused(namespaceLabel(serving.ref()), serving.ref().name(), Outcome.LOAD_SHED);
            return CompletableFuture.failedFuture(new InvocationException(Outcome.LOAD_SHED,
                    "Worker is overloaded: it already has " + limits.concurrentInvocations() + " requests in flight."));
        }
        return pool.call(serving, worker -> start.apply(worker, options))
                .whenComplete((result, error) -> leftFlight(scriptId));
    }

    /**
     * A JS RPC call: a new invocation of the script's current version, with its own limits and
     * the script's in-flight cap.
     */
    private CompletableFuture<ChannelReply> callEntrypoint(ScriptRef ref, RpcCall rpc, Call given) {
        Call call = given.withRequestId();
        Optional<Script> script;
        try {
            script = target(ref, call.caller());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (rpc.args().length > RpcCall.MAX_SERIALIZED_BYTES) {
            return CompletableFuture.failedFuture(rpcTooLarge("arguments", rpc.args().length));
        }
        Script serving = script.get().forRequest();
        return run(serving, call, records.observe(serving, InvocationRecords.RPC_REQUEST, call.caller()),
                (worker, options) -> worker.rpc(rpc, options).thenApply(data -> {
                    if (data.bytes().length > RpcCall.MAX_SERIALIZED_BYTES) {
                        throw rpcTooLarge("result", data.bytes().length);
                    }
                    return data;
                }));
    }

    private static InvocationException rpcTooLarge(String what, int bytes) {
        return new InvocationException(Outcome.EXCEPTION, "RangeError", "The RPC call's " + what + " take " + bytes
                + " bytes serialized; the limit is " + RpcCall.MAX_SERIALIZED_BYTES + " (32 MiB).");
    }

    @Override
    public CompletableFuture<WorkerResponse> invokePlain(String accountId, String script, WorkerRequest request,
            Entrypoint entrypoint, Caller caller) {
        return invoke(ScriptRef.plain(accountId, script), request,
                new Call(limits.invocation(), "", Optional.empty(), entrypoint, caller));
    }

    @Override
    public CompletableFuture<ChannelReply> callPlain(String accountId, String script, Entrypoint entrypoint, RpcCall call,
            Caller caller) {
        return callEntrypoint(ScriptRef.plain(accountId, script), call,
                new Call(limits.invocation(), "", Optional.empty(), entrypoint, caller));
    }

    /** What an {@code assets} binding answers: the version's asset for the request, or 404. */
    @Override
    public CompletableFuture<WorkerResponse> serveAsset(ScriptVersion version, WorkerRequest request) {
        request.discardBody(); // assets answer from the request's method, URL and headers alone
        return onAssetThreads("version:" + version.id(), () -> assets.serve(version, request))
                .thenApply(asset -> asset.orElseGet(() -> WorkerResponse.text(404, "Not Found")));
    }

    /** Requests for static assets waiting for a thread; past this, or a script's share of it, they get a 503. */
    static final int ASSET_QUEUE = 1_024;

    /**
     * Reads a script's site and files on the asset threads, in the script's line: anyone can
     * send requests for a site's files, and one site's flood must neither hold the threads that
     * load every tenant's code nor keep other sites' requests waiting behind all of it.
     */
    private CompletableFuture<Optional<WorkerResponse>> onAssetThreads(String line,
            java.util.function.Supplier<Optional<WorkerResponse>> read) {
        try {
            return FairQueue.in(line, () -> CompletableFuture.supplyAsync(read, assetIo));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Optional.of(WorkerResponse.text(503,
                    "Server busy: too many requests for static files are waiting; try again.")));
        }
    }

    @Override
    public boolean userWorkerExists(String accountId, String namespace, String script) {
        return directory.namespace(accountId, namespace)
                .flatMap(ns -> directory.script(new ScriptRef(accountId, ns.id(), script)))
                .isPresent();
    }

    @Override
    public CompletableFuture<WorkerResponse> invokeUserWorker(String accountId, String namespace, String script,
            WorkerRequest request, InvocationLimits callLimits, Optional<Outbound> outbound, Caller caller, ScriptRef via) {
        Optional<Namespace> ns = directory.namespace(accountId, namespace);
        if (ns.isEmpty()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.SCRIPT_NOT_FOUND, "Worker not found."));
        }
        // Workers of an untrusted namespace do not see request.cf (Cloudflare's isolation rule).
        WorkerRequest forwarded = ns.get().trustedWorkers() ? request : request.withoutCf();
        ScriptRef target = new ScriptRef(accountId, ns.get().id(), script);
        TenantShares.Taken taken = shares.take(TenantShares.Role.DISPATCH, via, target, () -> inFlight(via));
        if (!(taken instanceof TenantShares.Held held)) {
            return refusedShare(target, dispatchRefusal(via, script, taken));
        }
        return TenantShares.heldUntilRead(startOrRelease(held.release(),
                () -> invoke(target, forwarded, userWorkerCall(callLimits, outbound, caller, target))), held.release());
    }

    @Override
    public CompletableFuture<ChannelReply> callUserWorker(String accountId, String namespace, String script, RpcCall call,
            InvocationLimits callLimits, Optional<Outbound> outbound, Caller caller, ScriptRef via) {
        Optional<Namespace> ns = directory.namespace(accountId, namespace);
        if (ns.isEmpty()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.SCRIPT_NOT_FOUND, "Worker not found."));
        }
        ScriptRef target = new ScriptRef(accountId, ns.get().id(), script);
        TenantShares.Taken taken = shares.take(TenantShares.Role.DISPATCH, via, target, () -> inFlight(via));
        if (!(taken instanceof TenantShares.Held held)) {
            return refusedShare(target, dispatchRefusal(via, script, taken));
        }
        return startOrRelease(held.release(), () -> callEntrypoint(target, call, userWorkerCall(callLimits, outbound, caller,
                target))).whenComplete((reply, error) -> held.release().run());
    }

    private String dispatchRefusal(ScriptRef via, String script, TenantShares.Taken refused) {
        int cap = limits.concurrentInvocations();
        return refused instanceof TenantShares.OverShare
                ? "Worker is overloaded: " + shares.share() + " calls of '" + via.name() + "' already wait for user "
                        + "worker '" + script + "', a quarter of the " + cap + " invocations in flight it may have "
                        + "([limits] concurrent-invocations), and it has half of them in flight; try again."
                : "Worker is overloaded: '" + via.name() + "' has three quarters of the " + cap + " invocations in "
                        + "flight it may have ([limits] concurrent-invocations) and keeps the rest for user workers it "
                        + "is not calling yet; user worker '" + script + "' has calls waiting already; try again.";
    }

    /** A call refused for its share: counted as shed, failing with {@code message}. */
    private <T> CompletableFuture<T> refusedShare(ScriptRef target, String message) {
        metrics.refused(namespaceLabel(target), target.name(), Outcome.LOAD_SHED);
        return CompletableFuture.failedFuture(new InvocationException(Outcome.LOAD_SHED, message));
    }

    /** Starts a call; one that throws instead of failing its future lets go of what it held. */
    private static <T> CompletableFuture<T> startOrRelease(Runnable release, java.util.function.Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            release.run();
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A call of a user worker: its subrequests go to the binding's outbound worker, if it has one,
     * unless the caller is itself a user worker with an outbound worker: then to that one, so that
     * a user worker cannot leave its outbound worker by calling another (or itself) through a
     * binding of its own.
     */
    private Call userWorkerCall(InvocationLimits callLimits, Optional<Outbound> outbound, Caller caller, ScriptRef target) {
        return new Call(callLimits, "", caller.outbound().or(() -> outbound.map(o -> req -> invokeOutbound(o, req, caller,
                target))), Entrypoint.DEFAULT, caller);
    }

    /**
     * A user worker's subrequest, handed to its outbound worker: the outbound worker is given it
     * as any worker is given a request (redirect mode {@code manual}), and a redirect it answers
     * is followed here, through it again, when the user worker's request follows redirects (or
     * fails it, for mode {@code error}), as Workers' fetch() does through an outbound worker.
     */
    private CompletableFuture<WorkerResponse> invokeOutbound(Outbound outbound, WorkerRequest request, Caller caller,
            ScriptRef user) {
        return outboundHop(outbound, request, caller, user, 0);
    }

    private CompletableFuture<WorkerResponse> outboundHop(Outbound outbound, WorkerRequest request, Caller caller,
            ScriptRef user, int redirects) {
        return invokeOutboundOnce(outbound, request.withRedirect(WorkerRequest.Redirect.MANUAL), caller, user)
                .thenCompose(response -> {
                    int status = response.status();
                    Optional<String> location = response.header("location");
                    if (request.redirect() == WorkerRequest.Redirect.MANUAL || !Egress.isRedirect(status)
                            || request.redirect() == WorkerRequest.Redirect.FOLLOW && location.isEmpty()) {
                        return CompletableFuture.completedFuture(
                                response.fetchedFrom(Egress.withoutFragment(request.url()), redirects));
                    }
                    response.discardBody();
                    if (request.redirect() == WorkerRequest.Redirect.ERROR) {
                        request.discardBody();
                        return CompletableFuture.failedFuture(Egress.redirectRefused(status));
                    }
                    WorkerRequest next;
                    try {
                        next = Egress.nextHop(request, status, location.get(), redirects);
                    } catch (InvocationException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return outboundHop(outbound, next, caller, user, redirects + 1);
                });
    }

    /**
     * One subrequest of a user worker's, handed to its outbound worker with the call's parameters
     * as env; it serves the same client request as the user worker. One user worker's subrequests
     * hold at most a share of the outbound worker's invocations in flight.
     */
    private CompletableFuture<WorkerResponse> invokeOutboundOnce(Outbound outbound, WorkerRequest request, Caller caller,
            ScriptRef user) {
        ScriptRef ref = ScriptRef.plain(outbound.accountId(), outbound.service());
        if (directory.script(ref).isEmpty()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    // The user worker sees this: the platform's worker names are not its to read.
                    "The outbound worker this worker's dispatcher named does not exist."));
        }
        // One level deeper than the user worker whose fetch this is: a chain through an outbound
        // worker that calls back into the namespace meets the depth limit like any other. The
        // outbound worker is the platform's: it has the platform's limits, not what the user worker has left.
        TenantShares.Taken taken = shares.take(TenantShares.Role.OUTBOUND, ref, user, () -> inFlight(ref));
        if (!(taken instanceof TenantShares.Held held)) {
            return refusedShare(user, taken instanceof TenantShares.OverShare
                    ? "Worker is overloaded: this worker's subrequests already hold their share of the platform's "
                            + "outbound worker, which is busy; wait for some to finish."
                    : "Worker is overloaded: the platform's outbound worker is nearly full and keeps what is left for "
                            + "workers with no subrequests through it; wait for some of this worker's to finish.");
        }
        return TenantShares.heldUntilRead(startOrRelease(held.release(), () -> invoke(ref, request, new Call(limits.invocation(),
                outbound.paramsJson(), Optional.empty(), Entrypoint.DEFAULT,
                new Caller(caller.depth() + 1, Optional.empty(), caller.requestId(), caller.fromTail())
                        .onBehalfOf(caller.onBehalfOf().orElse(user))))), held.release());
    }

    /** The observer of one event of a WebSocket a script's isolate accepted: a tail of the script sees it. */
    InvocationObserver observeWebSocketEvent(Script script, String type) {
        InvocationObserver observer = tails.observeWebSocketEvent(script.ref(), script.current().id(), type);
        // A tail names its script by name: a script deleted and made again under that name is
        // another, whose tails see nothing of the old one's isolates still finishing their work.
        return observer == InvocationObserver.NONE
                || directory.script(script.ref()).filter(now -> now.id().equals(script.id())).isPresent()
                ? observer : InvocationObserver.NONE;
    }

    /** Serves a call on a version's channel binding. */
    CompletableFuture<ChannelReply> callBinding(Script script, ChannelCall call) {
        ScriptVersion version = script.current();
        return bindingKinds.call(version.bindings(), call,
                new BindingScope(script.ref().accountId(), script.ref(), Optional.of(version)));
    }

    /** Answers a call on a version's channel binding at once. */
    String callBindingNow(Script script, ChannelCall call) {
        ScriptVersion version = script.current();
        return bindingKinds.callNow(version.bindings(), call,
                new BindingScope(script.ref().accountId(), script.ref(), Optional.of(version)));
    }

    /** What a worker of {@code ref} sees for these stored bindings. */
    List<Binding> runtimeBindings(ScriptRef ref, List<BindingSpec> stored) {
        return bindingKinds.toRuntime(stored, new BindingScope(ref.accountId(), ref));
    }

    /** The egress policies a script's subrequests obey: the platform's, narrowed by its namespace's and its own. */
    EgressPolicies egressPolicies(Script script) {
        EgressPolicy namespace = script.ref().namespace()
                .map(id -> directory.namespaceById(id).map(Namespace::egress)
                        // Deleted: its isolates finish their work (waitUntil, open sockets) with no way out,
                        // not with the platform's policy alone.
                        .orElse(EgressPolicy.NOWHERE))
                .orElse(EgressPolicy.OPEN);
        return new EgressPolicies(egressPolicy, namespace, script.current().egress());
    }

    WorkerSource loadSource(Script script) {
        ScriptVersion v = script.current();
        List<WorkerModule> modules = new ArrayList<>();
        for (ModuleRef m : v.modules()) {
            modules.add(new WorkerModule(m.name(), m.type(), storedModule(script.ref(), m)));
        }
        return new WorkerSource(script.ref().name(), v.mainModule(), modules, v.compatibilityDate(),
                v.compatibilityFlags(), runtimeBindings(script.ref(), v.bindings()), script.ref().owner());
    }

    PlatformWorkerHost hostFor(Script script) {
        return new PlatformWorkerHost(this, script, egress);
    }

    /** A host for a version being validated; it learns its script once stored. */
    PlatformWorkerHost hostForUpload() {
        return PlatformWorkerHost.forUpload(this, egress);
    }

    /** A module's content from the blob store; a damaged one is reported with the worker and module it belongs to. */
    byte[] storedModule(ScriptRef ref, ModuleRef module) {
        try {
            return blobs.get(module.sha256());
        } catch (PlatformException e) {
            throw new PlatformException(e.problem(), "Module '" + module.name() + "' of worker '" + ref.name() + "': "
                    + e.getMessage());
        }
    }

    /**
     * What a caller of a worker sees when the worker could not be run: the invocation's own
     * failure, {@link #unavailableIfDamaged}, or an exception with the message.
     */
    static InvocationException asInvocationFailure(ScriptRef ref, Throwable error) {
        Throwable cause = unavailableIfDamaged(ref, unwrap(error));
        return switch (cause) {
            case InvocationException invocation -> invocation;
            // The script's own failure (its syntax, its start-up) and the platform's answers are
            // written for whoever calls it; anything else is the server's own text (a file path).
            case dev.tenantd.runtime.ScriptException script -> new InvocationException(Outcome.EXCEPTION, script.getMessage());
            case PlatformException platform -> new InvocationException(Outcome.EXCEPTION, platform.getMessage());
            default -> {
                LOG.warn("worker {}: loading it failed inside the server", ref, cause);
                yield new InvocationException(Outcome.EXCEPTION, "Worker '" + ref.name()
                        + "' could not be loaded: an internal error (the server log has the details).");
            }
        };
    }

    /**
     * A worker whose stored code or assets are damaged is {@link Outcome#UNAVAILABLE} (a 503;
     * the blob store has logged which file); any other failure is returned as it is.
     */
    static Throwable unavailableIfDamaged(ScriptRef ref, Throwable cause) {
        if (cause instanceof PlatformException p && p.problem() == Problem.STORAGE_DAMAGED) {
            return new InvocationException(Outcome.UNAVAILABLE, "Worker '" + ref.name()
                    + "' is unavailable: its stored code or assets are damaged (the server log has the details).");
        }
        return cause;
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** See {@link WorkerPool#drain}; the events Tail Workers are still to see count as requests still to come. */
    void drain(long deadlineNanos, java.util.function.BooleanSupplier requestsDone) {
        pool.drain(deadlineNanos, () -> requestsDone.getAsBoolean() && tailDelivery.pending() == 0);
    }

    @Override
    public void close() {
        if (residentGuard != null) {
            residentGuard.close();
        }
        tailDelivery.close();
        assetIo.shutdown(); // what waits is still answered: a file read is quick
        pool.close();
        egress.close();
    }
}
