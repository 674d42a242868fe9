package dev.tenantd.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops turns that run past their CPU budget. A turn registers the thread it
 * runs on and the thread-CPU time at which its budget ends; one daemon thread
 * samples registered threads every quarter millisecond and runs the turn's
 * expiry action (terminating the isolate's execution) once the budget is spent.
 * The watchdog never calls into V8 but to terminate execution, which V8 allows
 * from any thread.
 */
final class CpuWatchdog {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long TICK_NANOS = 250_000;

    static final CpuWatchdog INSTANCE = new CpuWatchdog();

    private record Armed(long threadId, long cpuDeadlineNanos, Runnable onExpire) {
    }

    private final ConcurrentHashMap<Long, Armed> armed = new ConcurrentHashMap<>();
    private final Thread thread;
    /** True while the watchdog sleeps with nothing armed; only then does arming wake it. */
    private volatile boolean idle;

    private CpuWatchdog() {
        thread = new Thread(this::run, "tenantd-cpu-watchdog");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
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

    private void run() {
        while (true) {
            if (armed.isEmpty()) {
                idle = true;
                if (armed.isEmpty()) {
                    LockSupport.parkNanos(50_000_000);
                }
                idle = false;
                continue;
            }
            for (Armed a : armed.values()) {
                long used = THREADS.getThreadCpuTime(a.threadId());
                if (used >= a.cpuDeadlineNanos() && armed.remove(a.threadId(), a)) {
                    try {
                        a.onExpire().run();
                    } catch (RuntimeException ignored) {
                        // the isolate may have closed meanwhile
                    }
                }
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }
}
