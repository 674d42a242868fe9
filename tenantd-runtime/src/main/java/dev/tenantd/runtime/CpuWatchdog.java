package dev.tenantd.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the CPU time of running turns. A turn sets alarms on the thread it runs on, each
 * at a thread-CPU time: its budget (the action terminates the isolate's execution), the
 * point past its budget where a turn stuck in one native call is given up, and (set by the
 * mailbox for every turn) the point from which the turn counts as long and its thread is
 * detached from its lane. One daemon thread samples the threads with alarms and runs each
 * action once its time is reached. A thread cannot spend CPU time faster than time passes, so
 * after each sample the watchdog sleeps until the nearest alarm could first be due, at most a
 * millisecond (an alarm set meanwhile is seen within that) and at least 50 µs; each thread's
 * clock is read once per sample however many alarms it has. The watchdog never calls into V8
 * but to terminate execution, which V8 allows from any thread.
 */
final class CpuWatchdog {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The longest sleep between samples while any alarm is set: how late an alarm set meanwhile can be seen. */
    private static final long MAX_SLEEP_NANOS = 1_000_000;
    private static final long MIN_SLEEP_NANOS = 50_000;

    static final CpuWatchdog INSTANCE = new CpuWatchdog();

    /** The alarms a thread can have, one of each at a time. */
    enum Alarm {
        /** The running turn has spent its invocation's CPU budget. */
        BUDGET,
        /** The turn ran so far past its budget that termination cannot reach it (a long native call). */
        OVERRUN,
        /** The turn is long: its thread leaves its lane. */
        LONG_TURN
    }

    private record Armed(long threadId, long cpuDeadlineNanos, Runnable onExpire) {
    }

    @SuppressWarnings("unchecked")
    private final ConcurrentHashMap<Long, Armed>[] alarms = new ConcurrentHashMap[Alarm.values().length];
    private final Thread thread;
    /** True while the watchdog sleeps with nothing armed; only then does arming wake it. */
    private volatile boolean idle;

    private CpuWatchdog() {
        for (int i = 0; i < alarms.length; i++) {
            alarms[i] = new ConcurrentHashMap<>();
        }
        thread = new Thread(this::run, "tenantd-cpu-watchdog");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    /** Nothing but making sure the watchdog thread exists: it is started by the first caller and inherits its priority. */
    void ensureStarted() {
        // the constructor started it
    }

    static long threadCpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Runs {@code action} once the calling thread's CPU time reaches {@code cpuAtNanos}, unless cleared first. */
    void set(Alarm alarm, long cpuAtNanos, Runnable action) {
        long id = Thread.currentThread().threadId();
        alarms[alarm.ordinal()].put(id, new Armed(id, cpuAtNanos, action));
        if (idle) {
            LockSupport.unpark(thread);
        }
    }

    void clear(Alarm alarm) {
        alarms[alarm.ordinal()].remove(Thread.currentThread().threadId());
    }

    private boolean nothingSet() {
        for (ConcurrentHashMap<Long, Armed> set : alarms) {
            if (!set.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private void run() {
        while (true) {
            if (nothingSet()) {
                idle = true;
                if (nothingSet()) {
                    LockSupport.parkNanos(50_000_000);
                }
                idle = false;
                continue;
            }
            Map<Long, Long> used = new HashMap<>();
            long soonest = MAX_SLEEP_NANOS;
            for (ConcurrentHashMap<Long, Armed> set : alarms) {
                soonest = Math.min(soonest, fire(set, used));
            }
            LockSupport.parkNanos(Math.max(MIN_SLEEP_NANOS, soonest));
        }
    }

    /**
     * Runs the actions of the alarms whose time has come; returns the CPU time until the nearest
     * of the others. {@code used} holds the threads' CPU times read in this sample.
     */
    private static long fire(ConcurrentHashMap<Long, Armed> alarms, Map<Long, Long> used) {
        long soonest = Long.MAX_VALUE;
        for (Armed a : alarms.values()) {
            long cpu = used.computeIfAbsent(a.threadId(), THREADS::getThreadCpuTime);
            if (cpu >= a.cpuDeadlineNanos()) {
                if (alarms.remove(a.threadId(), a)) {
                    try {
                        a.onExpire().run();
                    } catch (RuntimeException e) {
                        // the isolate may have closed meanwhile
                    }
                }
            } else {
                soonest = Math.min(soonest, cpu < 0 ? MAX_SLEEP_NANOS : a.cpuDeadlineNanos() - cpu);
            }
        }
        return soonest;
    }
}
