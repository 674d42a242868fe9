package dev.tenantd.runtime;

import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.monitoring.V8HeapStatistics;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Gives back the memory an isolate's busy spell left behind once it has gone quiet. V8
 * sizes its heap for the work at hand and keeps that size: loading a large bundle, or a
 * burst of requests, leaves a heap far larger than what stays alive. When an isolate has
 * served no invocation for {@link #QUIET_MS} and its heap has grown by
 * {@link #GROWTH_BYTES} since it was last compacted (or since its worker was loaded), it
 * is collected once and compacted, in a turn of its own that does not count against the
 * worker. A 107 KB Hono app gives back about 0.4 MB that way, a 950 KB bundle about 4 MB;
 * a small worker's heap hardly grows, and it is left alone.
 *
 * <p>Everything but {@link #quiet} runs on the isolate's turns; {@link #quiet} is called
 * there too, when its last invocation ended.
 */
final class IdleCollection {
    /** How long an isolate serves nothing before its heap is compacted. */
    static final long QUIET_MS = 2_000;
    /** Heap growth (physical bytes) below which a quiet isolate is not worth collecting. */
    static final long GROWTH_BYTES = 512 * 1024;

    private final ScheduledExecutorService timers;
    private final Mailbox mailbox;
    /** A number that changes whenever an invocation starts. */
    private final LongSupplier activity;
    /** Whether the isolate is quiet now: alive, with no invocation in flight. */
    private final BooleanSupplier quietNow;
    private final Supplier<V8Runtime> runtime;
    private boolean armed;
    private long compactedPhysicalBytes = -1;
    private int collections;

    IdleCollection(ScheduledExecutorService timers, Mailbox mailbox, LongSupplier activity, BooleanSupplier quietNow,
            Supplier<V8Runtime> runtime) {
        this.timers = timers;
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
        if (armed || compactedPhysicalBytes < 0) {
            return;
        }
        armed = true;
        long mark = activity.getAsLong();
        try {
            timers.schedule(() -> mailbox.executeUpkeep(() -> check(mark)), QUIET_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException engineClosed) {
            armed = false;
        }
    }

    /** Collections made so far. */
    int collections() {
        return collections;
    }

    private void check(long mark) {
        armed = false;
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
