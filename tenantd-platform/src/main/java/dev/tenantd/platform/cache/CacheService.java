package dev.tenantd.platform.cache;

import dev.tenantd.platform.FairQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache the workers' Cache API reaches: {@link CachePolicy} decides what is kept,
 * {@link CacheStore} keeps it under {@code <data-dir>/cache}, {@link CacheAnswers} shapes
 * what a match returns. Every call runs on the bounded {@code tenantd-cache} threads, never
 * on the caller's (a JS thread). Expired entries and, past the size cap, the least recently
 * used ones are removed in the background: once a minute, and after a put that passes the cap.
 */
public final class CacheService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheService.class);
    private static final int QUEUE = 1_000;

    private final CacheStore store;
    private final Clock clock;
    private final CacheLimits limits;
    private final ThreadPoolExecutor executor;
    /** Where calls are submitted: the executor, or the executor wrapped to time each call. */
    private volatile java.util.concurrent.Executor calls;
    private final ScheduledExecutorService evictor;
    /** The longest URL an entry is kept under: Workers' URL size limit, 16 KiB. */
    static final int MAX_URL_BYTES = 16 * 1024;
    /**
     * The most an entry's status text, headers and {@code Vary} values may take: what a message's
     * headers may take when a worker sends one. Bodies are bounded by {@code max-object-mb}.
     */
    static final int MAX_HEADER_BYTES = 128 * 1024;

    private final AtomicBoolean evictionQueued = new AtomicBoolean();

    private CacheService(CacheStore store, Clock clock, CacheLimits limits) {
        this.store = store;
        this.clock = clock;
        this.limits = limits;
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(limits.threads(), limits.threads(), 0, TimeUnit.SECONDS,
                new FairQueue(QUEUE, QUEUE / 4), r -> {
                    Thread t = new Thread(r, "tenantd-cache-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.calls = executor;
        // Started here, not by a first call: a thread takes the priority of the thread that makes
        // it, and a JS thread running a long turn at the lowest one may make the first call.
        executor.prestartAllCoreThreads();
        this.evictor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tenantd-cache-evict");
            t.setDaemon(true);
            return t;
        });
        evictor.scheduleWithFixedDelay(this::evictNow, 1, 60, TimeUnit.SECONDS);
    }

    /** Opens the cache in {@code dir} (its index and bodies), with these limits and this clock for expiry. */
    public static CacheService open(Path dir, CacheLimits limits, Clock clock) {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        return new CacheService(CacheStore.open(dir, limits.maxTotalBytes(), limits.maxOwnerBytes()), clock, limits);
    }

    /**
     * Times every cache operation from now on: {@code timing} wraps the executor (the server's metrics
     * record how long each call waited and ran). Called once, at start.
     */
    public void timeCallsWith(java.util.function.UnaryOperator<java.util.concurrent.Executor> timing) {
        this.calls = java.util.Objects.requireNonNull(timing.apply(executor));
    }

    /** The bounded executor that reads and writes cached responses, for the operator's metrics. */
    public dev.tenantd.platform.NamedExecutor executor() {
        return new dev.tenantd.platform.NamedExecutor("cache", executor);
    }

    public CacheLimits limits() {
        return limits;
    }

    /** What {@code cache.match} resolves to: empty on a miss (nothing stored, expired, or kept for other Vary values). */
    CompletableFuture<Optional<CacheAnswers.Answer>> match(CacheKey key, HttpFields request) {
        return run(key, () -> store.get(key, clock.instant())
                .filter(entry -> CachePolicy.varyMatches(entry.vary(), request))
                .map(entry -> CacheAnswers.answer(entry, request)));
    }

    /** {@code cache.put}: stores the response if its headers allow, for as long as they say; whether it was stored. */
    CompletableFuture<Boolean> put(CacheKey key, HttpFields request, int status, String statusText, HttpFields headers,
            byte[] body) {
        if (key.url().getBytes(StandardCharsets.UTF_8).length > MAX_URL_BYTES) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Cannot cache a response for a URL of more than "
                    + MAX_URL_BYTES + " bytes (Workers' URL size limit)."));
        }
        if (body.length > limits.maxObjectBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Cannot cache a response of " + body.length
                    + " bytes: this server caches responses of at most " + limits.maxObjectBytes() + " bytes."));
        }
        return run(key, () -> {
            CachePolicy.Decision decision = CachePolicy.decide(status, headers, request, clock.instant());
            if (!(decision instanceof CachePolicy.Store keep)) {
                return false;
            }
            long headerBytes = headerBytes(statusText, keep);
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new IllegalArgumentException("Cannot cache a response whose status text, headers and Vary values take "
                        + headerBytes + " bytes: an entry may carry at most " + MAX_HEADER_BYTES + ".");
            }
            store.put(key, new CachedResponse(status, statusText, keep.headers(), body, keep.expires(), keep.vary()));
            if (store.overCap() && evictionQueued.compareAndSet(false, true)) {
                evictor.execute(this::evictNow);
            }
            return true;
        });
    }

    /** What an entry's status text, kept headers and the request values its {@code Vary} names take. */
    private static long headerBytes(String statusText, CachePolicy.Store keep) {
        long bytes = utf8(statusText) + utf8(keep.headers().joined());
        for (var v : keep.vary().entrySet()) {
            bytes += utf8(v.getKey()) + utf8(v.getValue());
        }
        return bytes;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code cache.delete}: whether a live entry was there. */
    CompletableFuture<Boolean> delete(CacheKey key) {
        return run(key, () -> store.delete(key, clock.instant()));
    }

    /** Removes expired entries and, past the cap, the least recently used; how many went. */
    int evictNow() {
        evictionQueued.set(false);
        try {
            return store.evict(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("cache eviction failed: {}", e.toString());
            return 0;
        }
    }

    /** Bytes the cached responses take, as counted toward the caps (bodies in whole blocks, headers, keys, rows). */
    public long totalBytes() {
        return store.totalBytes();
    }

    /** Runs {@code work} on the cache threads in the line of the key's owner: each owner's calls take the threads in turn. */
    private <T> CompletableFuture<T> run(CacheKey key, Supplier<T> work) {
        try {
            return FairQueue.in(key.scope(), () -> CompletableFuture.supplyAsync(work, calls));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "The cache is busy: too many cache operations are waiting. Try again later."));
        }
    }

    @Override
    public void close() {
        evictor.shutdownNow();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
