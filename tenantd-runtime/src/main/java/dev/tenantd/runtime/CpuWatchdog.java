package dev.tenantd.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the CPU time of running turns. A turn registers the thread it runs on and
 * the thread-CPU time at which its budget ends; one daemon thread samples registered
 * threads every quarter millisecond and runs the turn's expiry action (terminating the
 * isolate's execution) once the budget is spent. Independently, the mailbox registers
 * every turn with the CPU time from which it counts as long, so that its thread can be
 * detached from its lane while the turn still runs. The watchdog never calls into V8
 * but to terminate execution, which V8 allows from any thread.
 */
final class CpuWatchdog {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long TICK_NANOS = 250_000;

    static final CpuWatchdog INSTANCE = new CpuWatchdog();

    private record Armed(long threadId, long cpuDeadlineNanos, Runnable onExpire) {
    }

    private final ConcurrentHashMap<Long, Armed> armed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Armed> longTurns = new ConcurrentHashMap<>();
    private final Thread thread;
    /** True while the watchdog sleeps with nothing armed; only then does arming wake it. */
    private volatile boolean idle;

    private CpuWatchdog() {
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

    /** Arms the watchdog for the calling thread; the budget ends at {@code cpuDeadlineNanos} of its CPU time. */
    void arm(long cpuDeadlineNanos, Runnable onExpire) {
        long id = Thread.currentThread().threadId();
        armed.put(id, new Armed(id, cpuDeadlineNanos, onExpire));
        if (idle) {
            LockSupport.unpark(thread);
        }
    }

    void disarm() {
        armed.remove(Thread.currentThread().threadId());
    }

    /** Runs {@code onLong} once the calling thread's CPU time reaches {@code cpuAtNanos}, unless unwatched first. */
    void watchLongTurn(long cpuAtNanos, Runnable onLong) {
        long id = Thread.currentThread().threadId();
        longTurns.put(id, new Armed(id, cpuAtNanos, onLong));
        if (idle) {
            LockSupport.unpark(thread);
        }
    }

    void unwatchLongTurn() {
        longTurns.remove(Thread.currentThread().threadId());
    }

    private void run() {
        while (true) {
            if (armed.isEmpty() && longTurns.isEmpty()) {
                idle = true;
                if (armed.isEmpty() && longTurns.isEmpty()) {
                    LockSupport.parkNanos(50_000_000);
                }
                idle = false;
                continue;
            }
            fire(longTurns);
            fire(armed);
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    private static void fire(ConcurrentHashMap<Long, Armed> alarms) {
        for (Armed a : alarms.values()) {
            long used = THREADS.getThreadCpuTime(a.threadId());
            if (used >= a.cpuDeadlineNanos() && alarms.remove(a.threadId(), a)) {
                try {
                    a.onExpire().run();
                } catch (RuntimeException e) {
                    // the isolate may have closed meanwhile
                }
            }
        }
    }
}
