package dev.tenantd.runtime;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The state of one request (or RPC call, or accepted WebSocket) through an isolate, from its
 * start to its last waitUntil. Touched only inside the isolate's turns, but for the fields the
 * watchdog reads through {@link Worker}'s turn lock.
 */
final class Invocation {
    private static final long NANOS_PER_MS = 1_000_000L;

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
    /** Ids of its pending timers; made at its first timer (most invocations set none). */
    private Set<Integer> timers;
    long cpuNanos;
    int subrequests;
    /** What it may still spend, with the invocations that called it; a WebSocket event from outside starts a new one. */
    CallBudget budget;
    int logBytes;
    boolean logTruncated;
    boolean hitSubrequestLimit;
    boolean responded;
    boolean failed;
    boolean finished;
    int status;
    Outcome outcome;
    ScheduledFuture<?> wallTimer;
    /** Runs from the end of the response: what waitUntil work may take after it ({@link InvocationLimits#afterResponseMs}). */
    ScheduledFuture<?> afterResponseTimer;
    /**
     * The depths of the RPC calls now running functions this invocation passed to another
     * worker, with how many run at each: while one runs, this invocation's calls go out one
     * level below the worker that called back, so recursion through passed callbacks meets
     * the depth limit as direct calls do.
     */
    private TreeMap<Integer, Integer> callbackDepths;

    Invocation(int id, CompletableFuture<WorkerResponse> result, InvocationOptions options) {
        this.id = id;
        this.result = result;
        this.options = options;
        this.limits = options.limits();
        this.outbound = options.outbound();
        this.observer = options.observer();
        this.caller = options.caller();
        this.budget = new CallBudget(caller.budget().orElse(null), limits);
    }

    /** The ids of its pending timers. */
    Set<Integer> timers() {
        return timers == null ? Set.of() : timers;
    }

    void timerSet(int id) {
        if (timers == null) {
            timers = new HashSet<>();
        }
        timers.add(id);
    }

    void timerGone(int id) {
        if (timers != null) {
            timers.remove(id);
        }
    }

    /** How many worker-to-worker calls lead to this invocation's own calls: the deepest caller it now serves. */
    int depth() {
        return callbackDepths == null || callbackDepths.isEmpty() ? caller.depth()
                : Math.max(caller.depth(), callbackDepths.lastKey());
    }

    /** A function this invocation passed runs for a worker at {@code depth - 1}, until {@link #callbackEnded}. */
    void callbackStarted(int depth) {
        if (callbackDepths == null) {
            callbackDepths = new TreeMap<>();
        }
        callbackDepths.merge(depth, 1, Integer::sum);
    }

    void callbackEnded(int depth) {
        if (callbackDepths != null) {
            callbackDepths.computeIfPresent(depth, (d, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Still waiting for its response: neither answered nor failed. */
    boolean awaitingResponse() {
        return !responded && !failed;
    }

    /**
     * The clock of a turn that begins now, for the runtime JavaScript (clock.js): the time since
     * the epoch, reckoned from the moment the owner's invocation began and the monotonic time
     * since, so that the worker's Date.now() never runs backwards within an invocation.
     */
    static long turnEpochMillis(Invocation owner) {
        return owner == null ? System.currentTimeMillis()
                : owner.startEpochMillis + (System.nanoTime() - owner.startNanos) / NANOS_PER_MS;
    }
}
