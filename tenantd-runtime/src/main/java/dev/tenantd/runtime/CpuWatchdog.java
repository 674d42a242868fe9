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
 * Turns that run longer than a few milliseconds also get their memory probe run
 * every few milliseconds (memory outside the V8 heap, such as ArrayBuffers, is
 * only visible that way).
 */
final class CpuWatchdog {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long TICK_NANOS = 250_000;

    static final CpuWatchdog INSTANCE = new CpuWatchdog();

    private static final long PROBE_EVERY_NANOS = 2_000_000;

    private record Armed(long threadId, long cpuDeadlineNanos, Runnable onExpire, Runnable probe, long[] nextProbe) {
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
    void arm(long cpuDeadlineNanos, Runnable onExpire, Runnable probe) {
        long id = Thread.currentThread().threadId();
        armed.put(id, new Armed(id, cpuDeadlineNanos, onExpire, probe, new long[] {System.nanoTime() + PROBE_EVERY_NANOS}));
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
            long now = System.nanoTime();
            for (Armed a : armed.values()) {
                long used = THREADS.getThreadCpuTime(a.threadId());
                if (used >= a.cpuDeadlineNanos() && armed.remove(a.threadId(), a)) {
                    try {
                        a.onExpire().run();
                    } catch (RuntimeException ignored) {
                        // the isolate may have closed meanwhile
                    }
                } else if (now >= a.nextProbe()[0]) {
                    a.nextProbe()[0] = now + PROBE_EVERY_NANOS;
                    try {
                        a.probe().run();
                    } catch (RuntimeException ignored) {
                        // the isolate may have closed meanwhile
                    }
                }
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }
}
