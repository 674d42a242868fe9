package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.Context;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Name lookups for workers' {@code fetch()}, WebSockets and {@code connect()}, checked against
 * the egress policies ({@link Egress#resolveAllowed}). The JDK's resolver blocks a thread per
 * lookup, for as long as the name servers take, and names that never answer are a worker's
 * choice: so lookups run on threads of their own, never on the pool the API, KV, D1 and the
 * metrics share, and an IP literal, which needs no lookup, takes no thread at all.
 *
 * <p>A requester (a worker) runs at most {@link #PER_REQUESTER} lookups at once; its further
 * lookups wait in a queue of its own. One worker's names that never answer so hold a few
 * threads, not all of them, and other workers' lookups go on, until 32 workers do so at once.
 */
final class NameLookups implements AutoCloseable {
    /**
     * Lookups running at once; more wait for one of them. Enough that the hanging lookups of
     * 32 workers whose names never answer fill them (each such lookup holds its thread for as
     * long as the system's resolver keeps trying). A thread starts per lookup until there are
     * this many, and ends after a minute without one.
     */
    static final int THREADS = 128;
    /** Lookups one requester runs at once. */
    static final int PER_REQUESTER = 4;
    /**
     * Lookups one requester may have waiting; more fail at once. A busy worker can queue thousands
     * while one slow lookup of a name runs; once it is answered the JDK's cache answers the rest.
     */
    static final int MAX_WAITING = 10_000;

    private final Vertx vertx;
    private final ThreadPoolExecutor executor;
    private final Lookup lookup;
    /** Requesters with lookups running, and the lookups each has waiting; guarded by {@code this}. */
    private final Map<Object, ArrayDeque<BooleanSupplier>> lanes = new HashMap<>();
    private final Map<Object, Integer> running = new HashMap<>();

    /** A blocking lookup that checks what it finds: {@link Egress#resolveAllowed}. */
    @FunctionalInterface
    interface Lookup {
        InetAddress resolve(String host, EgressPolicies policies, String what);
    }

    NameLookups(Vertx vertx) {
        this(vertx, Egress::resolveAllowed);
    }

    NameLookups(Vertx vertx, Lookup lookup) {
        this.vertx = vertx;
        AtomicInteger ids = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tenantd-name-lookup-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.executor.allowCoreThreadTimeOut(true);
        this.lookup = lookup;
    }

    /**
     * The checked address to connect to for {@code host}; {@code what} starts a refusal's message.
     * {@code requester} names whose lookup it is (compared with {@code equals}); a waiting lookup
     * that is {@code abandoned} by the time its turn comes is not run.
     */
    Future<InetAddress> resolve(String host, EgressPolicies policies, String what, Object requester,
            BooleanSupplier abandoned) {
        if (Egress.isIpLiteral(Egress.unbracketed(host))) {
            try {
                return Future.succeededFuture(Egress.resolveAllowed(host, policies, what));
            } catch (RuntimeException refused) {
                return Future.failedFuture(refused);
            }
        }
        Promise<InetAddress> result = Promise.promise();
        // The answer comes on the asker's context, as other I/O does.
        Context context = vertx.getOrCreateContext();
        // Starts the lookup, or fails it at once when its fetch was cancelled meanwhile (false):
        // then its place goes to the next waiting lookup.
        BooleanSupplier turn = () -> {
            if (abandoned.getAsBoolean()) {
                result.fail(new InvocationException(Outcome.EXCEPTION, "Error", what + " was cancelled."));
                return false;
            }
            try {
                executor.execute(() -> {
                    Future<InetAddress> answer;
                    try {
                        answer = Future.succeededFuture(lookup.resolve(host, policies, what));
                    } catch (Throwable e) {
                        answer = Future.failedFuture(e);
                    }
                    Future<InetAddress> done = answer;
                    context.runOnContext(v -> {
                        next(requester);
                        result.handle(done);
                    });
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                result.fail(new InvocationException(Outcome.EXCEPTION, "Error", what + " was cancelled: the server is "
                        + "shutting down."));
                return false;
            }
            return true;
        };
        boolean now;
        synchronized (this) {
            int busy = running.getOrDefault(requester, 0);
            now = busy < PER_REQUESTER;
            if (now) {
                running.put(requester, busy + 1);
            } else {
                ArrayDeque<BooleanSupplier> lane = lanes.computeIfAbsent(requester, r -> new ArrayDeque<>());
                if (lane.size() >= MAX_WAITING) {
                    return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error", what
                            + " was refused: this worker has " + MAX_WAITING + " name lookups waiting for its "
                            + PER_REQUESTER + " running ones (its name servers are slow to answer)."));
                }
                lane.add(turn);
            }
        }
        if (now && !turn.getAsBoolean()) {
            next(requester);
        }
        return result.future();
    }

    /**
     * One of the requester's lookups ended: its next waiting one that is still wanted starts, if
     * any. A loop, not a call per skipped lookup: thousands may have been cancelled at once.
     */
    private void next(Object requester) {
        while (true) {
            BooleanSupplier waiting;
            synchronized (this) {
                ArrayDeque<BooleanSupplier> lane = lanes.get(requester);
                waiting = lane == null ? null : lane.poll();
                if (lane != null && lane.isEmpty()) {
                    lanes.remove(requester);
                }
                if (waiting == null) {
                    running.computeIfPresent(requester, (r, busy) -> busy > 1 ? busy - 1 : null);
                    return;
                }
            }
            if (waiting.getAsBoolean()) {
                return;
            }
        }
    }

    /** Lookups the requester has waiting for one of its own to end (for tests). */
    synchronized int waiting(Object requester) {
        ArrayDeque<BooleanSupplier> lane = lanes.get(requester);
        return lane == null ? 0 : lane.size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
