package dev.tenantd.runtime;

import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.monitoring.V8HeapStatistics;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Gives back the memory an isolate's busy spell left behind once it has gone quiet. V8
 * sizes its heap for the work at hand and keeps that size: loading a large bundle, or a
 * burst of requests, leaves a heap far larger than what stays alive. When an isolate has
 * served no invocation for {@link #QUIET_MS} and its heap has grown by
 * {@link #GROWTH_BYTES} since it was last compacted (or since its worker was loaded), it
 * is collected once and compacted, on the background threads, while nothing else holds
 * the isolate ({@link Mailbox#executeUpkeep}), at the engine's next quiet moment
 * ({@link QuietMoments}), or after {@link #LONGEST_WAIT_MS} if the engine stays busy. A
 * 107 KB Hono app gives back about 0.4 MB that way and a 950 KB bundle about 3 MB; a small
 * worker about 0.1 MB, since its first request regrows the young generation past the
 * threshold. An isolate whose heap did not grow is left alone.
 *
 * <p>{@link #loading} and {@link #quiet} run in the isolate's turns, the check while the
 * upkeep holds the isolate.
 */
final class IdleCollection {
    /** How long an isolate serves nothing before its heap is compacted. */
    static final long QUIET_MS = 2_000;
    /** Heap growth (physical bytes) below which a quiet isolate is not worth collecting. */
    static final long GROWTH_BYTES = 512 * 1024;
    /** How long a due collection waits at most for a moment with no foreground work. */
    static final long LONGEST_WAIT_MS = 30_000;

    private final ScheduledExecutorService timers;
    private final QuietMoments quietMoments;
    private final Mailbox mailbox;
    /** A number that changes whenever an invocation starts. */
    private final LongSupplier activity;
    /** Whether the isolate is quiet now: alive, with no invocation in flight. */
    private final BooleanSupplier quietNow;
    private final Supplier<V8Runtime> runtime;
    /** A check is due; cleared when it comes due, whether or not the isolate was idle then. */
    private final AtomicBoolean armed = new AtomicBoolean();
    private long compactedPhysicalBytes = -1;
    /** Written on the isolate's thread, read by anyone. */
    private volatile int collections;

    IdleCollection(ScheduledExecutorService timers, QuietMoments quietMoments, Mailbox mailbox, LongSupplier activity,
            BooleanSupplier quietNow, Supplier<V8Runtime> runtime) {
        this.timers = timers;
        this.quietMoments = quietMoments;
        this.mailbox = mailbox;
        this.activity = activity;
        this.quietNow = quietNow;
        this.runtime = runtime;
    }

    /** The worker's modules are about to load: growth counts from the heap as it is now. */
    void loading() {
        compactedPhysicalBytes = physicalBytes();
    }

    /** The isolate's last invocation ended: check again once it stayed quiet for a while. */
    void quiet() {
        if (compactedPhysicalBytes < 0 || !armed.compareAndSet(false, true)) {
            return;
        }
        long mark = activity.getAsLong();
        try {
            timers.schedule(() -> {
                armed.set(false);
                // Refused or overtaken when a turn holds the isolate: the next invocation to end arms again.
                quietMoments.whenQuiet(this, () -> mailbox.executeUpkeep(() -> check(mark)), LONGEST_WAIT_MS);
            }, QUIET_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException engineClosed) {
            armed.set(false);
        }
    }

    /** Collections made so far. */
    int collections() {
        return collections;
    }

    private void check(long mark) {
        if (!quietNow.getAsBoolean()) {
            return; // busy again: its last invocation to end checks again
        }
        if (activity.getAsLong() != mark) {
            quiet(); // served since, and quiet again: wait the full time from now
            return;
        }
        long physical = physicalBytes();
        if (physical < 0 || physical - compactedPhysicalBytes < GROWTH_BYTES) {
            return;
        }
        runtime.get().lowMemoryNotification();
        collections++;
        compactedPhysicalBytes = physicalBytes();
    }

    private long physicalBytes() {
        V8Runtime isolate = runtime.get();
        V8HeapStatistics statistics = isolate == null ? null : isolate.getV8HeapStatistics().getNow(null);
        return statistics == null ? -1 : statistics.getTotalPhysicalSize();
    }
}
