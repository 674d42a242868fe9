package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.Worker;
import dev.tenantd.runtime.WorkerHost;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.WorkerSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Live isolates, one per script version, loaded on first use and evicted least
 * recently used first. A version is immutable, so an isolate never goes stale;
 * a new upload simply gets a new isolate.
 *
 * <p>Each request holds its version's isolate from lookup until its response; a
 * version that stops serving (replaced or deleted) is closed as soon as no request
 * holds it and its last invocation (waitUntil included) has ended, and at the latest
 * when its grace period is over.
 *
 * <p>Eviction takes isolates no request holds first, and an evicted isolate serves no new
 * request but finishes what it runs: a response body it is still streaming (a download,
 * server-sent events) and its waitUntil work go on to their end, within their wall time. At
 * most as many evicted and retired isolates as live ones may be finishing at once; beyond
 * that the one that has been finishing longest is closed.
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

    /** An isolate, loaded or loading, and how many requests hold it right now. Guarded by {@code live}. */
    private static final class Entry {
        /** The version it runs; empty for a load refused before it started. */
        final String version;
        final CompletableFuture<Worker> worker;
        int holders;
        /**
         * Out of the pool while requests still held it: it starts to drain when the last of them
         * lets go, since one may not have begun its invocation yet (its isolate still loading),
         * and an isolate with no invocation would close at once.
         */
        boolean evictedWhileHeld;

        Entry(String version, CompletableFuture<Worker> worker) {
            this.version = version;
            this.worker = worker;
        }
    }

    private final LinkedHashMap<String, Entry> live = new LinkedHashMap<>(64, 0.75f, true);
    /**
     * Versions that stopped serving and are still in their grace period, each with the check
     * that says whether a later deployment (a rollback) serves it again. Guarded by {@code live}.
     */
    private final Map<String, BooleanSupplier> retired = new HashMap<>();
    /** Per version, its isolates that retired themselves and were replaced, still finishing, oldest first. Guarded by {@code live}. */
    private final Map<String, ArrayDeque<Worker>> replacedByVersion = new HashMap<>();
    /** Per version, its isolates out of the pool and still finishing their work. Guarded by {@code live}. */
    private final Map<String, Set<Worker>> finishing = new HashMap<>();
    /** The grace of a stopping server is over ({@link #drain}): no isolate is loaded any more. Guarded by {@code live}. */
    private boolean cutOff;
    /** Such isolates a version keeps finishing at once. */
    static final int REPLACED_PER_VERSION = 2;
    /**
     * Isolates taken out of the pool that close once their last invocation ends, oldest first;
     * at most {@code capacity} of them: beyond that the oldest is closed at once. Guarded by itself.
     */
    private final LinkedHashSet<Worker> draining = new LinkedHashSet<>();
    /** Isolates started and isolates evicted for room, for the operator's metrics; guarded by {@code live}. */
    private long started;
    private long evictedCount;
    /** Whether no isolate is to be loaded now: the process is short of memory ({@link ResidentGuard}). */
    private volatile BooleanSupplier shortOfMemory = () -> false;
    /** Told of each call that fails because its isolate could not be loaded; set once, before any call. */
    private java.util.function.BiConsumer<ScriptRef, dev.tenantd.runtime.Outcome> loadFailed = (ref, outcome) -> { };

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
    java.util.concurrent.ThreadPoolExecutor io() {
        return io;
    }

    /**
     * Runs {@code call} on the isolate of the script's current version, loading it if needed.
     * The isolate is held until the call's future completes, so a retirement meanwhile waits for it.
     */
    <T> CompletableFuture<T> call(Script script, Function<Worker, CompletableFuture<T>> call) {
        // An isolate that closed between being held and starting the call (it retired itself when
        // its Intl objects grew, its last request ended) ran nothing of it: the call goes once
        // more, to the isolate that takes its place.
        return attempt(script, call).exceptionallyCompose(error -> notStarted(error)
                ? attempt(script, call) : CompletableFuture.failedFuture(error));
    }

    private <T> CompletableFuture<T> attempt(Script script, Function<Worker, CompletableFuture<T>> call) {
        String key = script.current().id();
        Entry entry = hold(script);
        return loaded(script.ref(), key, entry).thenCompose(call).whenComplete((response, error) -> release(key, entry));
    }

    private static boolean notStarted(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause() : error;
        return cause instanceof dev.tenantd.runtime.InvocationException e && e.notStarted();
    }

    private Entry hold(Script script) {
        String key = script.current().id();
        List<Entry> evicted = new ArrayList<>();
        List<Worker> tooMany = new ArrayList<>();
        Entry entry;
        synchronized (live) {
            Entry existing = live.get(key);
            if (existing != null && !(existing.worker.isDone() && !existing.worker.isCompletedExceptionally()
                    && !existing.worker.join().isAlive())) {
                existing.holders++;
                return existing;
            }
            if (cutOff) {
                Entry refused = new Entry("", CompletableFuture.failedFuture(new InvocationException(Outcome.LOAD_SHED,
                        STOPPED)));
                refused.holders = 1;
                return refused;
            }
            if (shortOfMemory.getAsBoolean()) {
                // Not kept: the next request tries again.
                Entry refused = new Entry("", CompletableFuture.failedFuture(new InvocationException(Outcome.LOAD_SHED,
                        SHORT_OF_MEMORY)));
                refused.holders = 1;
                return refused;
            }
            if (existing != null) {
                replaced(key, existing, evicted, tooMany);
            }
            entry = new Entry(key, CompletableFuture.supplyAsync(() -> sources.apply(script), io)
                    .thenCompose(source -> engine.load(source, hosts.apply(script))));
            entry.holders = 1;
            started++;
            live.put(key, entry);
            evictOverCapacity(evicted);
        }
        evicted.forEach(this::leave);
        tooMany.forEach(Worker::close);
        return entry;
    }

    /**
     * {@code old}, the isolate of version {@code key}, stopped taking requests by itself (its
     * memory) and is replaced: it drains as an evicted one does, counted among the draining. A
     * version keeps at most {@link #REPLACED_PER_VERSION} such isolates finishing their work:
     * beyond that the oldest closes now, or a worker whose every isolate retires at once (and
     * keeps it busy with waitUntil work) would have a new isolate made for each request, each
     * holding its memory until its wall time is over. Holds {@code live}.
     */
    private void replaced(String key, Entry old, List<Entry> evicted, List<Worker> tooMany) {
        evict(old, evicted);
        Worker worker = old.worker.join();
        ArrayDeque<Worker> finishing = replacedByVersion.computeIfAbsent(key, k -> new ArrayDeque<>());
        finishing.addLast(worker);
        worker.whenClosed().thenRun(() -> {
            synchronized (live) {
                finishing.remove(worker);
                if (finishing.isEmpty()) {
                    replacedByVersion.remove(key, finishing);
                }
            }
        });
        while (finishing.size() > REPLACED_PER_VERSION) {
            tooMany.add(finishing.removeFirst());
        }
    }

    private CompletableFuture<Worker> loaded(ScriptRef ref, String key, Entry entry) {
        return entry.worker.handle((worker, error) -> {
            if (error != null) {
                synchronized (live) {
                    live.remove(key, entry);
                }
                dev.tenantd.runtime.InvocationException failure = Invoker.asInvocationFailure(ref, error);
                loadFailed.accept(ref, failure.outcome());
                throw new java.util.concurrent.CompletionException(failure);
            }
            return worker;
        });
    }

    private void release(String key, Entry entry) {
        boolean retiredAndFree;
        boolean evictedAndFree;
        synchronized (live) {
            entry.holders--;
            evictedAndFree = entry.holders == 0 && entry.evictedWhileHeld;
            retiredAndFree = entry.holders == 0 && !evictedAndFree && retired.containsKey(key);
        }
        if (evictedAndFree) {
            entry.worker.thenAccept(Worker::closeWhenIdle);
        }
        if (retiredAndFree) {
            // Off the thread that completed the response: the check may read the store.
            io.execute(() -> closeIfUnused(key));
        }
    }

    /** What a request gets when its worker is not loaded because the server has stopped serving. */
    static final String STOPPED = "The server is shutting down; try again.";

    /** What a request gets when its worker is not loaded because the process is short of memory. */
    static final String SHORT_OF_MEMORY = "Server overloaded: it is short of memory and loads no worker until it has "
            + "more; try again later.";

    /** From now on no isolate is loaded while {@code condition} holds; a request for one fails with a 503. */
    void refuseLoadsWhile(BooleanSupplier condition) {
        shortOfMemory = condition;
    }

    /**
     * Evicts up to {@code count} of the least recently used isolates that nothing runs in: no
     * request holds them, and no invocation (waitUntil work) or WebSocket of theirs is open, so
     * that they close at once and give their memory back; how many it evicted.
     */
    int evictIdle(int count) {
        List<Entry> evicted = new ArrayList<>();
        synchronized (live) {
            Iterator<Map.Entry<String, Entry>> it = live.entrySet().iterator();
            while (evicted.size() < count && it.hasNext()) {
                Entry e = it.next().getValue();
                if (e.holders == 0 && e.worker.isDone() && !e.worker.isCompletedExceptionally() && e.worker.join().idle()) {
                    evictedCount++;
                    evict(e, evicted);
                    it.remove();
                }
            }
        }
        evicted.forEach(this::leave);
        return evicted.size();
    }

    /** Keeps an isolate that is already loaded (the one that validated an upload) for its version. */
    void adopt(Script script, Worker worker) {
        List<Entry> evicted = new ArrayList<>();
        synchronized (live) {
            // Started to validate the upload: counted here, where it joins the pool.
            started++;
            String version = script.current().id();
            Entry previous = live.put(version, new Entry(version, CompletableFuture.completedFuture(worker)));
            if (previous != null) {
                evict(previous, evicted);
            }
            evictOverCapacity(evicted);
        }
        evicted.forEach(this::leave);
    }

    /**
     * An isolate evicted to make room or retired: closed once its last invocation has ended (a
     * response body still streaming, waitUntil work) and its WebSockets are closed, at once if it
     * is idle, and counted as open until then. If that makes more such isolates than the pool's
     * capacity, the oldest of them closes now: open isolates never number more than twice
     * {@code live-isolates}.
     */
    private void drain(String version, Worker worker) {
        track(version, worker);
        worker.closeWhenIdle();
    }

    /**
     * An entry out of the pool starts to drain: at once, or, while requests still hold it, it
     * counts among the draining isolates now (and may be the oldest one closed) and closes
     * once idle after its last holder let go ({@link #release}).
     */
    private void leave(Entry e) {
        if (e.evictedWhileHeld) {
            e.worker.thenAccept(worker -> track(e.version, worker));
        } else {
            e.worker.thenAccept(worker -> drain(e.version, worker));
        }
    }

    /**
     * Counts {@code worker}, of {@code version}, among the isolates finishing their work; the
     * oldest of them closes if there are too many.
     */
    private void track(String version, Worker worker) {
        synchronized (live) {
            finishing.computeIfAbsent(version, v -> java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()))
                    .add(worker);
        }
        worker.whenClosed().thenRun(() -> {
            synchronized (live) {
                Set<Worker> left = finishing.get(version);
                if (left != null && left.remove(worker) && left.isEmpty()) {
                    finishing.remove(version);
                }
            }
        });
        List<Worker> oldest = new ArrayList<>();
        synchronized (draining) {
            draining.add(worker);
            for (Iterator<Worker> it = draining.iterator(); draining.size() > capacity && it.hasNext(); ) {
                oldest.add(it.next());
                it.remove();
            }
        }
        worker.whenClosed().thenRun(() -> {
            synchronized (draining) {
                draining.remove(worker);
            }
        });
        oldest.forEach(Worker::close);
    }

    /**
     * Evicts the least recently used isolates no request holds, as many as the pool is over its
     * capacity; if requests hold all of those, the least recently used of the held ones go too.
     */
    private void evictOverCapacity(List<Entry> evicted) {
        for (boolean evenHeld : new boolean[] {false, true}) {
            Iterator<Map.Entry<String, Entry>> it = live.entrySet().iterator();
            while (live.size() > capacity && it.hasNext()) {
                Entry e = it.next().getValue();
                if (evenHeld || e.holders == 0) {
                    evictedCount++;
                    evict(e, evicted);
                    it.remove();
                }
            }
        }
    }

    /** Marks {@code e}, just removed from the pool, as {@link #leave leaving} it. Holds {@code live}. */
    private static void evict(Entry e, List<Entry> leaving) {
        e.evictedWhileHeld = e.holders > 0;
        leaving.add(e);
    }

    /**
     * A version that no longer serves new requests (replaced or deleted): its isolate closes
     * once no request holds it and its last invocation has ended — at once if it is idle —
     * and at the latest after {@code graceMs}; unless {@code servingAgain} says a later
     * deployment (a rollback, say) serves it once more, in which case the open isolate stays.
     */
    void retire(String versionId, long graceMs, BooleanSupplier servingAgain) {
        synchronized (live) {
            retired.put(versionId, servingAgain);
        }
        io.execute(() -> closeIfUnused(versionId));
        CompletableFuture.delayedExecutor(graceMs, TimeUnit.MILLISECONDS, io)
                .execute(() -> graceOver(versionId, servingAgain));
    }

    private void closeIfUnused(String versionId) {
        BooleanSupplier servingAgain;
        synchronized (live) {
            servingAgain = retired.get(versionId);
            Entry entry = live.get(versionId);
            if (servingAgain == null || entry == null || entry.holders > 0) {
                return;
            }
        }
        if (servingAgain.getAsBoolean()) {
            synchronized (live) {
                retired.remove(versionId, servingAgain);
            }
            return;
        }
        Entry gone;
        synchronized (live) {
            gone = live.get(versionId);
            if (gone == null || gone.holders > 0 || retired.get(versionId) != servingAgain) {
                return;
            }
            live.remove(versionId);
        }
        gone.worker.thenAccept(worker -> drain(versionId, worker));
    }

    /** The end of a retired version's grace period: whatever still holds its isolate has had its wall time. */
    private void graceOver(String versionId, BooleanSupplier servingAgain) {
        synchronized (live) {
            if (!retired.remove(versionId, servingAgain)) {
                return;
            }
        }
        if (servingAgain.getAsBoolean()) {
            return;
        }
        Entry gone;
        List<Worker> stillFinishing;
        synchronized (live) {
            gone = live.remove(versionId);
            // Out of the pool but still open: an isolate that a WebSocket keeps busy (a message now
            // and then) would never be idle, and would run the retired code, with its secrets and
            // bindings, for as long as its client liked.
            stillFinishing = new ArrayList<>(finishing.getOrDefault(versionId, Set.of()));
        }
        if (gone != null) {
            gone.worker.thenAccept(Worker::close);
        }
        stillFinishing.forEach(Worker::close);
    }

    void onLoadFailure(java.util.function.BiConsumer<ScriptRef, dev.tenantd.runtime.Outcome> listener) {
        this.loadFailed = listener;
    }

    long started() {
        synchronized (live) {
            return started;
        }
    }

    long evicted() {
        synchronized (live) {
            return evictedCount;
        }
    }

    /** Isolates in the pool, loaded or loading (not those finishing their work after eviction). */
    int liveCount() {
        synchronized (live) {
            return live.size();
        }
    }

    /** Every isolate of a worker the engine has open, in this pool or not. */
    int openIsolates() {
        return engine.openIsolates();
    }

    /** Open isolates: those in the pool and those finishing their last invocations before closing. */
    int size() {
        int closing;
        synchronized (draining) {
            closing = draining.size();
        }
        synchronized (live) {
            return live.size() + closing;
        }
    }

    /**
     * The server is stopping: waits until no isolate has anything to do (no request holds one,
     * none has an invocation, waitUntil work or WebSocket open) and {@code requestsDone} says the
     * requests that may still come have come, or until {@code deadlineNanos} ({@link
     * System#nanoTime}). Isolates are loaded meanwhile as calls need them (a dispatch worker's
     * request to a user worker, its outbound worker's). What is still busy then is closed (its
     * invocations cancelled, its WebSockets closed with 1001), waiting up to a second more so that
     * their records are in, and no isolate is loaded any more: a request still arriving gets a 503.
     * {@link #close} ends the pool.
     */
    void drain(long deadlineNanos, BooleanSupplier requestsDone) {
        // Twice in a row: an invocation that just ended may still be handing on what it left (a Tail Worker's event).
        for (int calm = 0; System.nanoTime() < deadlineNanos; ) {
            calm = requestsDone.getAsBoolean() && quiet() ? calm + 1 : 0;
            if (calm == 2) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        synchronized (live) {
            // From now on a request that needs an isolate gets a 503 rather than run after the cut.
            cutOff = true;
            live.values().forEach(e -> closing.add(e.worker.handle((worker, failed) -> worker)
                    .thenCompose(worker -> worker == null ? CompletableFuture.completedFuture(null) : worker.whenClosed())));
        }
        synchronized (draining) {
            draining.forEach(worker -> closing.add(worker.whenClosed()));
        }
        closeIsolates();
        // A turn that is running finishes first (at the latest at its CPU limit): not waited for beyond this.
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException late) {
            // the server goes on stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether no isolate has anything to do: none held by a request, none with an invocation or WebSocket open. */
    private boolean quiet() {
        synchronized (live) {
            for (Entry e : live.values()) {
                if (e.holders > 0 || !e.worker.isDone()
                        || !e.worker.isCompletedExceptionally() && !e.worker.join().idle()) {
                    return false;
                }
            }
        }
        synchronized (draining) {
            return draining.stream().allMatch(Worker::idle);
        }
    }

    @Override
    public void close() {
        closeIsolates();
        io.shutdownNow();
    }

    /**
     * Closes every open isolate at once, cancelling what runs in it; the pool goes on (calls load
     * new ones, unless a stopping server's grace is over).
     */
    private void closeIsolates() {
        synchronized (live) {
            live.values().forEach(e -> e.worker.thenAccept(Worker::close));
            live.clear();
            retired.clear();
        }
        List<Worker> closing;
        synchronized (draining) {
            closing = new ArrayList<>(draining);
            draining.clear();
        }
        closing.forEach(Worker::close);
    }
}
