package dev.tenantd.runtime;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Runs the C library's heap trim ({@link NativeHeap#trim}) at a quiet moment. A trim takes each
 * arena's lock while it walks it, and every thread that allocates native memory meanwhile (V8 in
 * a turn, Javet, the JIT compilers) waits: measured under load, one trim took 3.6 to 59 ms. So a
 * trim that is due waits until no JS thread has started a task for one check interval
 * ({@link #CHECK_MILLIS}), looking again after each busy interval. Under steady load it does not
 * run at all; glibc then reuses what it keeps, and the next quiet interval gives it back.
 */
final class QuietTrim {
    /** How long no JS task may start before a trim that is due runs. */
    static final long CHECK_MILLIS = 250;

    private final ScheduledExecutorService timers;
    private final LongSupplier activity;
    private final Runnable trim;
    private final long checkMillis;
    private final AtomicBoolean pending = new AtomicBoolean();
    /** The activity seen at the last look; read and written by the checks, one at a time. */
    private volatile long seen;

    /**
     * @param activity a number that changes whenever a JS thread starts a task
     * @param trim what runs once the engine is quiet (it should not run on the timer thread)
     */
    QuietTrim(ScheduledExecutorService timers, LongSupplier activity, Runnable trim, long checkMillis) {
        this.timers = timers;
        this.activity = activity;
        this.trim = trim;
        this.checkMillis = checkMillis;
    }

    /** A trim is due: it runs at the end of the first quiet interval from now; one is pending at most. */
    void request() {
        if (pending.compareAndSet(false, true)) {
            seen = activity.getAsLong();
            schedule();
        }
    }

    /** Whether a trim waits for a quiet interval. */
    boolean pending() {
        return pending.get();
    }

    /** The check at the end of an interval: trims if no task started in it (answers whether), else looks again later. */
    boolean check() {
        long now = activity.getAsLong();
        if (now != seen) {
            seen = now;
            schedule();
            return false;
        }
        pending.set(false);
        trim.run();
        return true;
    }

    private void schedule() {
        try {
            timers.schedule(this::check, checkMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pending.set(false); // the engine is closing
        }
    }
}
