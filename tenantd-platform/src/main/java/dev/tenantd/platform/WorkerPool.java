package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.Worker;
import dev.tenantd.runtime.WorkerHost;
import dev.tenantd.runtime.WorkerSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Live isolates, one per script version, loaded on first use and evicted least
 * recently used first. A version is immutable, so an isolate never goes stale;
 * a new upload simply gets a new isolate.
 */
final class WorkerPool implements AutoCloseable {
    private final JsEngine engine;
    private final int capacity;
    private final Function<Script, WorkerSource> sources;
    private final Function<Script, WorkerHost> hosts;
    private final java.util.concurrent.ThreadPoolExecutor io = new java.util.concurrent.ThreadPoolExecutor(2, 2, 0,
            java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "tenantd-load");
                t.setDaemon(true);
                return t;
            });
    private final LinkedHashMap<String, CompletableFuture<Worker>> live = new LinkedHashMap<>(64, 0.75f, true);

    WorkerPool(JsEngine engine, int capacity, Function<Script, WorkerSource> sources,
            Function<Script, WorkerHost> hosts) {
        this.engine = engine;
        this.capacity = capacity;
        this.sources = sources;
        this.hosts = hosts;
        // Started now, at normal priority: a thread created later by a background JS thread would inherit nice 19.
        io.prestartAllCoreThreads();
    }

    /** Threads for blocking work on behalf of workers (loading sources, reading asset files). */
    java.util.concurrent.Executor io() {
        return io;
    }

    CompletableFuture<Worker> worker(Script script) {
        String key = script.current().id();
        List<CompletableFuture<Worker>> evicted = new ArrayList<>();
        CompletableFuture<Worker> result;
        synchronized (live) {
            CompletableFuture<Worker> existing = live.get(key);
            if (existing != null && !(existing.isDone() && !existing.isCompletedExceptionally()
                    && !existing.join().isAlive())) {
                return existing;
            }
            result = CompletableFuture.supplyAsync(() -> sources.apply(script), io)
                    .thenCompose(source -> engine.load(source, hosts.apply(script)));
            live.put(key, result);
            Iterator<Map.Entry<String, CompletableFuture<Worker>>> it = live.entrySet().iterator();
            while (live.size() > capacity && it.hasNext()) {
                evicted.add(it.next().getValue());
                it.remove();
            }
        }
        evicted.forEach(f -> f.thenAccept(Worker::close));
        return result.handle((worker, error) -> {
            if (error != null) {
                synchronized (live) {
                    live.remove(key, result);
                }
                throw new java.util.concurrent.CompletionException(Platform.asInvocationFailure(script.ref(), error));
            }
            return worker;
        });
    }

    /** Keeps an isolate that is already loaded (the one that validated an upload) for its version. */
    void adopt(Script script, Worker worker) {
        List<CompletableFuture<Worker>> evicted = new ArrayList<>();
        synchronized (live) {
            CompletableFuture<Worker> previous = live.put(script.current().id(), CompletableFuture.completedFuture(worker));
            if (previous != null) {
                evicted.add(previous);
            }
            Iterator<Map.Entry<String, CompletableFuture<Worker>>> it = live.entrySet().iterator();
            while (live.size() > capacity && it.hasNext()) {
                evicted.add(it.next().getValue());
                it.remove();
            }
        }
        evicted.forEach(f -> f.thenAccept(Worker::close));
    }

    /**
     * A version that no longer serves new requests (replaced or deleted) keeps its isolate
     * for {@code graceMs}, so requests already in it can finish, then it is closed — unless
     * {@code servingAgain} says a later deployment (a rollback, say) serves it once more.
     */
    void retire(String versionId, long graceMs, java.util.function.BooleanSupplier servingAgain) {
        CompletableFuture.delayedExecutor(graceMs, java.util.concurrent.TimeUnit.MILLISECONDS, io).execute(() -> {
            if (servingAgain.getAsBoolean()) {
                return;
            }
            CompletableFuture<Worker> gone;
            synchronized (live) {
                gone = live.remove(versionId);
            }
            if (gone != null) {
                gone.thenAccept(Worker::close);
            }
        });
    }

    int size() {
        synchronized (live) {
            return live.size();
        }
    }

    @Override
    public void close() {
        synchronized (live) {
            live.values().forEach(f -> f.thenAccept(Worker::close));
            live.clear();
        }
        io.shutdownNow();
    }
}
