package dev.tenantd.platform.observability;

import dev.tenantd.platform.store.InvocationStore;
import dev.tenantd.runtime.InvocationObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invocation records, off the request path: a finished invocation's record goes into a
 * bounded queue (never waiting: a full queue drops the record and counts it), and one
 * writer thread ({@code tenantd-invocations}) stores what has queued up in batches of at most
 * {@link #BATCH}, every {@link ObservabilitySettings#flushEvery()} or at once when half the queue
 * waits. The same thread removes records past the retention and beyond the size cap. A store that fails loses the batch
 * (counted as dropped); no request ever waits for or fails because of the store.
 */
public final class InvocationRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InvocationRecorder.class);
    /** The most records one transaction stores. */
    static final int BATCH = 500;
    private static final long SWEEP_EVERY_MS = 5 * 60_000;

    private final Optional<InvocationStore> store;
    private final ObservabilitySettings settings;
    private final Clock clock;
    private final BlockingQueue<Queued> queue;
    private final Optional<ScheduledExecutorService> writer;
    private final AtomicLong dropped = new AtomicLong();
    /** What the queued records hold, by {@link InvocationEntry#approximateBytes}. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** How many records the queue holds, without taking its lock. */
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    /** A flush ahead of the next tick is on its way: half the queue was waiting. */
    private final java.util.concurrent.atomic.AtomicBoolean flushSoon = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * What the queue may hold at most, whatever its length: records come with up to 32 KB of
     * console output and 16 KB of exception text, about 100 KB on the heap in the worst case, and
     * ten thousand of them waiting for a slow disk would be a gigabyte of the heap every tenant shares.
     */
    static final long MAX_QUEUED_BYTES = 64L << 20;
    private final AtomicLong written = new AtomicLong();
    /** What each owner's queued records hold (see {@link #owner}); owners with none are not kept. */
    private final java.util.concurrent.ConcurrentHashMap<String, Share> shares = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Share NONE = new Share(0, 0);
    private static final String NOT_FOUND = dev.tenantd.runtime.Outcome.SCRIPT_NOT_FOUND.wireName();
    private volatile StackMapping stacks = StackMapping.NONE;
    /** Set by {@link #close}: a record offered later would wait for a writer that is gone; it is dropped and counted. */
    private volatile boolean closed;

    private InvocationRecorder(Optional<InvocationStore> store, ObservabilitySettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(store.isPresent() ? settings.queueSize() : 1);
        this.writer = store.map(s -> Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tenantd-invocations");
            t.setDaemon(true);
            return t;
        }));
        writer.ifPresent(w -> {
            long flushMs = settings.flushEvery().toMillis();
            w.scheduleWithFixedDelay(this::flushQuietly, flushMs, flushMs, TimeUnit.MILLISECONDS);
            w.scheduleWithFixedDelay(this::sweepQuietly, SWEEP_EVERY_MS, SWEEP_EVERY_MS, TimeUnit.MILLISECONDS);
        });
    }

    /** Records nothing. */
    public static InvocationRecorder off() {
        return new InvocationRecorder(Optional.empty(), ObservabilitySettings.off(), Clock.systemUTC());
    }

    /**
     * Records into {@code store} as {@code settings} say, reading time from {@code clock}.
     * With {@code settings} disabled nothing is recorded, but stored records can still be read.
     */
    public static InvocationRecorder start(InvocationStore store, ObservabilitySettings settings, Clock clock) {
        return new InvocationRecorder(Optional.of(Objects.requireNonNull(store)), settings, clock);
    }

    public ObservabilitySettings settings() {
        return settings;
    }

    /** The store records are read from; empty when this server keeps none. */
    public Optional<InvocationStore> store() {
        return store;
    }

    /**
     * Whether an invocation starting now is recorded, for a script that chose {@code script}:
     * the operator's switch, then the narrower of the two sampling rates, decided by chance.
     */
    public boolean samples(ScriptObservability script) {
        if (!settings.enabled() || !script.enabled() || store.isEmpty()) {
            return false;
        }
        double rate = Math.min(settings.headSamplingRate(), script.headSamplingRate());
        return rate >= 1.0 || (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate);
    }

    /** The observer that collects an invocation of {@code subject} starting now into a record. */
    public InvocationObserver collect(InvocationSubject subject) {
        return new InvocationCollector(this, subject, clock.millis());
    }

    /**
     * Maps the stacks of uncaught exceptions with {@code mapping} before records are stored,
     * on the writer thread: the platform sets its source maps here once it exists.
     */
    public void mapStacksWith(StackMapping mapping) {
        this.stacks = Objects.requireNonNull(mapping);
    }

    /** A record waiting for the writer, with its size as it was counted when queued and whose share it counts in. */
    private record Queued(InvocationEntry entry, long bytes, String owner) {
    }

    /** What one owner's records waiting for the writer hold. */
    private record Share(int records, long bytes) {
        Share plus(int moreRecords, long moreBytes) {
            return new Share(records + moreRecords, bytes + moreBytes);
        }
    }

    /**
     * Queues a finished record for the writer; a full queue drops it. Never blocks. The last
     * quarter of the queue, of its records and of its bytes, is kept for workers holding less
     * than a quarter of either: past it, a worker over its share of records loses its further
     * records, and one over its share of bytes has them queued {@linkplain
     * InvocationEntry#withoutText without what they logged}, so that their counts still reach the
     * analytics. One worker logging at full speed, or a store slower than usual, costs other
     * workers none of their records.
     */
    public void offer(InvocationEntry entry) {
        if (closed) {
            drop("the server is stopping");
            return;
        }
        String owner = owner(entry);
        Share mine = shares.getOrDefault(owner, NONE);
        int records = settings.queueSize();
        if (mine.records() >= Math.max(1, records / 4) && queue.size() >= records - records / 4) {
            drop("the queue's last quarter is kept for other workers");
            return;
        }
        long size = entry.approximateBytes();
        if (mine.bytes() + size > MAX_QUEUED_BYTES / 4 && queuedBytes.get() + size > MAX_QUEUED_BYTES - MAX_QUEUED_BYTES / 4) {
            entry = entry.withoutText();
            size = entry.approximateBytes();
        }
        // Counted before it is queued: the writer may take it out at once.
        shares.merge(owner, new Share(1, size), (held, more) -> held.plus(more.records(), more.bytes()));
        if (queuedBytes.addAndGet(size) > MAX_QUEUED_BYTES || !queue.offer(new Queued(entry, size, owner))) {
            queuedBytes.addAndGet(-size);
            leftQueue(owner, size);
            drop("the queue is full");
            return;
        }
        if (queued.incrementAndGet() >= Math.max(BATCH, settings.queueSize() / 2) && flushSoon.compareAndSet(false, true)) {
            // Half the queue is waiting: stored now, not at the next tick, so that a busy worker
            // does not run into the share of the queue kept for others while the store keeps up.
            writer.ifPresent(w -> {
                try {
                    w.execute(this::flushQuietly);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // close() stores what is left
                }
            });
        }
    }

    private void drop(String why) {
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 10_000 == 0) {
            LOG.warn("invocation records: a record was dropped ({} records, {} MB at most; {}); {} dropped so far",
                    settings.queueSize(), MAX_QUEUED_BYTES >> 20, why, n);
        }
    }

    /**
     * Whose share a record counts in: its worker's, as in the store; calls of workers that do not
     * exist share one per account, since anyone can send a request for a made-up name.
     */
    private static String owner(InvocationEntry entry) {
        return entry.outcome().equals(NOT_FOUND) ? entry.accountId() + "\0\0"
                : entry.accountId() + "\0" + entry.namespace() + "\0" + entry.script();
    }

    /** Gives back what a record of {@code bytes} held of {@code owner}'s share. */
    private void leftQueue(String owner, long bytes) {
        shares.computeIfPresent(owner, (o, share) -> share.records() <= 1 ? null : share.plus(-1, -bytes));
    }

    /** What the queued records hold now, roughly (for tests). */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Records dropped so far: the queue was full or the store failed. */
    public long dropped() {
        return dropped.get();
    }

    /** Records stored so far. */
    public long written() {
        return written.get();
    }

    /**
     * Stores what has queued up by now, in batches, and no more: records arriving as fast as
     * they are stored would otherwise keep one flush going for ever, and the retention sweep,
     * on the same thread, would never run. What arrives meanwhile waits for the next flush.
     */
    void flush() {
        flushSoon.set(false);
        InvocationStore target = store.orElseThrow();
        List<Queued> drained = new ArrayList<>(Math.min(BATCH, settings.queueSize()));
        int left = queue.size();
        while (left > 0 && queue.drainTo(drained, Math.min(BATCH, left)) > 0) {
            left -= drained.size();
            queued.addAndGet(-drained.size());
            queuedBytes.addAndGet(-drained.stream().mapToLong(Queued::bytes).sum());
            drained.forEach(q -> leftQueue(q.owner(), q.bytes()));
            List<InvocationEntry> batch = drained.stream().map(q -> mapped(q.entry())).toList();
            drained.clear();
            try {
                target.insert(batch);
                written.addAndGet(batch.size());
            } catch (RuntimeException e) {
                long n = dropped.addAndGet(batch.size());
                LOG.warn("invocation records: storing {} record(s) failed ({} dropped so far): {}", batch.size(), n,
                        e.toString());
            }
        }
    }

    /** The entry with its exception's stack mapped; as it was when mapping fails, which never costs the record. */
    private InvocationEntry mapped(InvocationEntry entry) {
        if (entry.exception().isEmpty() || entry.exception().get().stack().isEmpty()) {
            return entry;
        }
        try {
            String stack = entry.exception().get().stack();
            String mapped = stacks.map(entry.versionId(), stack);
            return mapped.equals(stack) ? entry : entry.withStack(mapped);
        } catch (RuntimeException | Error e) {
            LOG.debug("invocation records: a stack could not be mapped: {}", e.toString());
            return entry;
        }
    }

    /**
     * Removes records (and aggregates) older than the retention, then the oldest records
     * beyond the size cap. Returns how many records went.
     */
    public int sweep() {
        InvocationStore target = store.orElseThrow();
        int removed = target.deleteBefore(clock.millis() - settings.retention().toMillis());
        return removed + target.trimTo(settings.maxBytes());
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException | Error e) {
            // Whatever went wrong, the next flush must still run: an exception escaping would end the schedule.
            LOG.warn("invocation records: flush failed: {}", e.toString());
        }
    }

    private void sweepQuietly() {
        try {
            int removed = sweep();
            if (removed > 0) {
                LOG.info("invocation records: removed {} past the retention or the size cap", removed);
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("invocation records: retention sweep failed: {}", e.toString());
        }
    }

    /** Stores what is still queued, then stops the writer. The store stays open: its owner closes it. */
    @Override
    public void close() {
        closed = true;
        writer.ifPresent(w -> {
            w.shutdown();
            try {
                if (w.awaitTermination(5, TimeUnit.SECONDS)) {
                    flushQuietly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
