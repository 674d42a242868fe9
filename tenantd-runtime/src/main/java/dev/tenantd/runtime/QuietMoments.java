package dev.tenantd.runtime;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs the engine's upkeep at quiet moments, so that it does not compete with requests for the
 * CPU and the C library's locks. Work that is due waits until no JS thread of the foreground
 * lane has started a task for one check interval ({@link #CHECK_MILLIS}), looking again after
 * each busy interval; work given a longest wait runs once that has passed, busy or not. Two
 * kinds wait here:
 * <ul>
 * <li>the native heap's trim ({@link NativeHeap#trim}): it takes each arena's lock while it walks
 * it, and every thread that allocates native memory meanwhile (V8 in a turn, Javet, the JIT
 * compilers) waits; measured under load, one trim took 3.6 to 59 ms;
 * <li>the compaction of an isolate that went quiet ({@link IdleCollection}): a 950 KB bundle's
 * isolate takes about 17 ms of CPU, half of it on V8's own helper thread, which runs at normal
 * priority; back-to-back cold starts of such bundles were 10 ms slower at the median while the
 * compactions of the workers started before them ran beside them.
 * </ul>
 * Each piece of work has a key, and is waiting at most once.
 */
final class QuietMoments {
    /** How long no foreground JS task may start before the work that waits runs. */
    static final long CHECK_MILLIS = 250;
    /** A longest wait that never ends: the work runs at a quiet moment only. */
    static final long NO_LONGEST_WAIT = Long.MAX_VALUE;

    private record Waiting(Runnable work, boolean bounded, long deadlineNanos) {
    }

    private final ScheduledExecutorService timers;
    private final LongSupplier activity;
    private final long checkMillis;
    /** Guarded by this. */
    private final Map<Object, Waiting> waiting = new LinkedHashMap<>();
    /** Guarded by this: a check is scheduled. */
    private boolean checking;
    /** Guarded by this: the activity seen when the running interval began. */
    private long seen;

    /**
     * @param activity a number that changes whenever a foreground JS thread starts a task
     */
    QuietMoments(ScheduledExecutorService timers, LongSupplier activity, long checkMillis) {
        this.timers = timers;
        this.activity = activity;
        this.checkMillis = checkMillis;
    }

    /**
     * Runs {@code work} (on the timer thread: it should hand anything long to another thread) at
     * the end of the first quiet interval from now, or once {@code longestWaitMillis} have passed.
     * Nothing happens when work of that key is waiting already, or when the engine is closing.
     */
    synchronized void whenQuiet(Object key, Runnable work, long longestWaitMillis) {
        if (waiting.containsKey(key)) {
            return;
        }
        boolean bounded = longestWaitMillis != NO_LONGEST_WAIT;
        long deadline = bounded ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(longestWaitMillis) : 0;
        waiting.put(key, new Waiting(work, bounded, deadline));
        if (!checking) {
            seen = activity.getAsLong();
            checking = schedule();
            if (!checking) {
                waiting.clear(); // the engine is closing
            }
        }
    }

    /** Whether work of that key waits. */
    synchronized boolean isWaiting(Object key) {
        return waiting.containsKey(key);
    }

    /**
     * The check at the end of an interval: runs all waiting work if no foreground task started in
     * it (answers whether it was quiet), else only the work that has waited its longest, and looks
     * again later while any waits.
     */
    boolean check() {
        List<Runnable> due = new ArrayList<>();
        boolean quiet;
        synchronized (this) {
            long now = activity.getAsLong();
            quiet = now == seen;
            seen = now;
            long nanos = System.nanoTime();
            for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (quiet || w.bounded() && nanos - w.deadlineNanos() >= 0) {
                    due.add(w.work());
                    it.remove();
                }
            }
            checking = !waiting.isEmpty() && schedule();
            if (!checking) {
                waiting.clear();
            }
        }
        for (Runnable work : due) {
            work.run();
        }
        return quiet;
    }

    private boolean schedule() {
        try {
            timers.schedule(this::check, checkMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // the engine is closing
        }
    }
}
