package dev.tenantd.platform;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the process's resident memory under a limit, so that the isolates of many workers,
 * each within its own memory limit, cannot together take more than the machine has and have
 * the whole server killed. Every {@link #PERIOD_MS} ms it reads the resident memory; over the
 * limit, it evicts the least recently used idle isolates, an eighth of the live ones at a time,
 * and no isolate is loaded until the memory is back under nine tenths of the limit (requests
 * for a worker not loaded get a 503 meanwhile; loaded ones go on serving).
 */
final class ResidentGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResidentGuard.class);
    static final long PERIOD_MS = 1_000;
    /** Share of the memory the process may use that the default limit takes. */
    static final double DEFAULT_SHARE = 0.85;
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What the guard acts on. */
    interface Isolates {
        /** Evicts up to {@code count} idle isolates; how many it evicted. */
        int evictIdle(int count);

        /** Isolates loaded now. */
        int live();
    }

    private final long limitBytes;
    private final LongSupplier resident;
    private final Isolates isolates;
    private final ScheduledExecutorService timer;
    private volatile boolean over;
    private long warnedAt = System.nanoTime() - WARN_EVERY_NANOS;

    private ResidentGuard(long limitBytes, LongSupplier resident, Isolates isolates, ScheduledExecutorService timer) {
        this.limitBytes = limitBytes;
        this.resident = resident;
        this.isolates = isolates;
        this.timer = timer;
    }

    /** A guard that checks every {@link #PERIOD_MS} ms on a thread of its own. */
    static ResidentGuard start(long limitBytes, LongSupplier resident, Isolates isolates) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tenantd-resident-guard");
            t.setDaemon(true);
            return t;
        });
        ResidentGuard guard = new ResidentGuard(limitBytes, resident, isolates, timer);
        timer.scheduleWithFixedDelay(guard::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        return guard;
    }

    /** A guard that checks only when {@link #check} is called (for tests). */
    static ResidentGuard manual(long limitBytes, LongSupplier resident, Isolates isolates) {
        return new ResidentGuard(limitBytes, resident, isolates, null);
    }

    /**
     * The default limit: {@link #DEFAULT_SHARE} of the memory the process may use (the
     * machine's, or its container's limit where one is set, as the JVM sees it).
     */
    static long defaultLimitBytes() {
        long total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return (long) (total * DEFAULT_SHARE);
    }

    /** Whether the process is over its limit and has not come back under nine tenths of it. */
    boolean isOver() {
        return over;
    }

    /** One check: evicts idle isolates while over the limit. */
    void check() {
        try {
            long now = resident.getAsLong();
            if (now > limitBytes) {
                over = true;
                int evicted = isolates.evictIdle(Math.max(1, isolates.live() / 8));
                if (System.nanoTime() - warnedAt >= WARN_EVERY_NANOS) {
                    warnedAt = System.nanoTime();
                    LOG.warn("resident memory {} MB is over its limit of {} MB ([limits] resident-mb): {} idle isolates "
                            + "evicted, and no worker is loaded until it is under {} MB", now >> 20, limitBytes >> 20,
                            evicted, limitBytes * 9 / 10 >> 20);
                }
            } else if (over && now < limitBytes * 9 / 10) {
                over = false;
                LOG.info("resident memory {} MB is back under {} MB: workers are loaded again", now >> 20,
                        limitBytes * 9 / 10 >> 20);
            }
        } catch (RuntimeException e) {
            LOG.warn("the resident memory check failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
