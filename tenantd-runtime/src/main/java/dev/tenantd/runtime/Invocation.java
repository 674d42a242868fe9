package dev.tenantd.runtime;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
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

    /** Still waiting for its response: neither answered nor failed. */
    boolean awaitingResponse() {
        return !responded && !failed;
    }

    /**
     * The clock of a turn that begins now, for the runtime JavaScript (clock.js): whole
     * milliseconds since the owner's invocation began (0 without one), and the time since
     * the epoch that makes, so that the worker's Date.now() never runs backwards within an
     * invocation.
     */
    static long millisSinceStart(Invocation owner) {
        return owner == null ? 0 : (System.nanoTime() - owner.startNanos) / NANOS_PER_MS;
    }

    static long epochMillis(Invocation owner, long sinceStart) {
        return owner == null ? System.currentTimeMillis() : owner.startEpochMillis + sinceStart;
    }
}
