package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The HTTP connections workers' {@code fetch()} calls hold to origins. An exchange holds one
 * from the moment it asks for a connection until its request is sent and its response has
 * ended or broken off: a streamed answer the worker does not read holds its connection for as
 * long as the worker keeps it.
 *
 * <p>A requester (a worker) holds at most {@link #PER_REQUESTER} at once, so that one worker's
 * unread answers never fill the pool of connections to an origin other workers use as well
 * ({@link Egress#MAX_CONNECTIONS_PER_ORIGIN} is twice as many), and all requesters together
 * at most {@link #TOTAL}, which keeps the process's file descriptors for its listeners and
 * stores. Further exchanges wait in a queue of their requester's own; a connection let go goes
 * to the waiting requester that holds the fewest. An exchange that is abandoned while it waits
 * (its fetch was cancelled) gives its turn to the next.
 */
final class OutboundConnections {
    /** Connections one requester holds at once; as many as the pool of one origin held for everybody before. */
    static final int PER_REQUESTER = 256;
    /** Connections all requesters hold at once. */
    static final int TOTAL = 4096;
    /** Exchanges one requester may have waiting; more fail at once. */
    static final int MAX_WAITING = 10_000;

    private final int perRequester;
    private final int total;
    // All guarded by this.
    private final Map<Object, Integer> held = new HashMap<>();
    /** Requesters with exchanges waiting, in the order they take their turns. */
    private final LinkedHashMap<Object, ArrayDeque<Waiter>> lanes = new LinkedHashMap<>();
    private int heldTotal;

    OutboundConnections() {
        this(PER_REQUESTER, TOTAL);
    }

    OutboundConnections(int perRequester, int total) {
        this.perRequester = perRequester;
        this.total = total;
    }

    /** One connection held for a requester; {@link #release} lets go of it (once, whoever calls it). */
    final class Slot {
        private final Object requester;
        private boolean released;

        private Slot(Object requester) {
            this.requester = requester;
        }

        void release() {
            synchronized (OutboundConnections.this) {
                if (released) {
                    return;
                }
                released = true;
                heldTotal--;
                held.computeIfPresent(requester, (r, n) -> n > 1 ? n - 1 : null);
            }
            grantWaiting();
        }
    }

    private record Waiter(Promise<Slot> promise, Context context, BooleanSupplier abandoned, String what) {
    }

    /**
     * A connection for {@code requester} (compared with {@code equals}), now or when one of its
     * own or anybody's is let go; completes on the caller's context. {@code what} names the
     * exchange in errors; {@code abandoned} says whether a waiting exchange is still wanted.
     */
    Future<Slot> acquire(Object requester, BooleanSupplier abandoned, String what) {
        List<Waiter> dropped = new ArrayList<>();
        try {
            return acquire(requester, abandoned, what, dropped);
        } finally {
            dropped.forEach(OutboundConnections::cancelled);
        }
    }

    private Future<Slot> acquire(Object requester, BooleanSupplier abandoned, String what, List<Waiter> dropped) {
        synchronized (this) {
            // Whoever waits is at its share, or every connection is held: a requester with
            // none waiting that is under its share takes a free one at once.
            if (heldTotal < total && held.getOrDefault(requester, 0) < perRequester && !lanes.containsKey(requester)) {
                return Future.succeededFuture(take(requester));
            }
            ArrayDeque<Waiter> lane = lanes.computeIfAbsent(requester, r -> new ArrayDeque<>());
            if (lane.size() >= MAX_WAITING) {
                lane.removeIf(waiter -> waiter.abandoned().getAsBoolean() && dropped.add(waiter));
            }
            if (lane.size() >= MAX_WAITING) {
                return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error", what
                        + " was refused: this worker has " + MAX_WAITING + " requests waiting for one of the "
                        + perRequester + " connections it may hold at once (read or cancel the bodies of "
                        + "the responses it has)."));
            }
            Promise<Slot> promise = Promise.promise();
            lane.add(new Waiter(promise, Vertx.currentContext(), abandoned, what));
            return promise.future();
        }
    }

    private Slot take(Object requester) {
        heldTotal++;
        held.merge(requester, 1, Integer::sum);
        return new Slot(requester);
    }

    /**
     * Hands free connections to waiting exchanges: each to the waiting requester that holds the
     * fewest, the one that waited longest among equals.
     */
    private void grantWaiting() {
        List<Runnable> grants = new ArrayList<>();
        synchronized (this) {
            while (heldTotal < total) {
                Object next = null;
                int fewest = perRequester;
                for (Object requester : lanes.keySet()) {
                    int holds = held.getOrDefault(requester, 0);
                    if (holds < fewest) {
                        next = requester;
                        fewest = holds;
                    }
                }
                if (next == null) {
                    break;
                }
                ArrayDeque<Waiter> lane = lanes.remove(next);
                Waiter waiter = lane.poll();
                while (waiter != null && waiter.abandoned().getAsBoolean()) {
                    Waiter dropped = waiter;
                    grants.add(() -> cancelled(dropped));
                    waiter = lane.poll();
                }
                if (!lane.isEmpty()) {
                    // To the back: among requesters holding as many, the others go first.
                    lanes.put(next, lane);
                }
                if (waiter != null) {
                    Slot slot = take(next);
                    Waiter chosen = waiter;
                    grants.add(() -> complete(chosen, slot));
                }
            }
        }
        grants.forEach(Runnable::run);
    }

    /** Fails a waiting exchange whose fetch was cancelled: nothing waits for it, but its future ends. */
    private static void cancelled(Waiter waiter) {
        waiter.promise().tryFail(new InvocationException(Outcome.EXCEPTION, "Error", waiter.what() + " was cancelled."));
    }

    private static void complete(Waiter waiter, Slot slot) {
        if (waiter.context() == null) {
            if (!waiter.promise().tryComplete(slot)) {
                slot.release();
            }
            return;
        }
        waiter.context().runOnContext(ignored -> {
            if (!waiter.promise().tryComplete(slot)) {
                slot.release();
            }
        });
    }

    /** Connections the requester holds (for tests and metrics). */
    synchronized int held(Object requester) {
        return held.getOrDefault(requester, 0);
    }

    /** Connections all requesters hold. */
    synchronized int held() {
        return heldTotal;
    }

    /** Exchanges the requester has waiting. */
    synchronized int waiting(Object requester) {
        ArrayDeque<Waiter> lane = lanes.get(requester);
        return lane == null ? 0 : lane.size();
    }
}
