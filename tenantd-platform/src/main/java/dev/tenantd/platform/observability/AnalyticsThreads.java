package dev.tenantd.platform.observability;

import dev.tenantd.platform.FairQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads analytics queries (GraphQL, the invocations API) run on, in lines per account
 * taken in turn. A query may read a long range of records; run on the threads that check every
 * API token and serve KV, D1 and the scripts API, a few accounts' queries waiting for the
 * analytics database could hold them all, and every other account's API calls would wait.
 * Here one account's queries wait behind each other, and past {@link #QUEUE} waiting in all, or
 * a quarter of that for one account, a query is refused at once ({@link Busy}).
 */
public final class AnalyticsThreads implements AutoCloseable {
    /** As many as the analytics store's read connections: more would only wait for one. */
    public static final int THREADS = 2;
    /** Queries waiting for a thread, all accounts together. */
    public static final int QUEUE = 64;

    /** The query was refused: too many wait. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("Server busy: too many analytics queries are waiting; try again shortly.");
        }
    }

    private final ThreadPoolExecutor executor;

    public AnalyticsThreads() {
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS, new FairQueue(QUEUE, QUEUE / 4), r -> {
            Thread t = new Thread(r, "tenantd-analytics-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.prestartAllCoreThreads();
    }

    /** Runs {@code query} for {@code accountId} in its line; fails with {@link Busy} when too many wait. */
    public <T> CompletableFuture<T> run(String accountId, Supplier<T> query) {
        try {
            return FairQueue.in("account:" + accountId, () -> CompletableFuture.supplyAsync(query, executor));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new Busy());
        }
    }

    /** Queries waiting for a thread now. */
    public int waiting() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
