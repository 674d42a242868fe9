package dev.tenantd.platform;

import java.time.Instant;

/**
 * Time for lifetimes the server keeps in memory (tails, say): the wall-clock time of the server's
 * start, advanced by the monotonic clock. A wall clock stepped back or forward (an NTP correction,
 * a virtual machine resumed) neither keeps such things alive for the step nor ends them all at
 * once; the times it gives drift from the wall clock by the steps since start.
 */
public final class SteadyClock {
    private static final Instant START_WALL = Instant.now();
    private static final long START_NANOS = System.nanoTime();

    private SteadyClock() {
    }

    public static Instant now() {
        return START_WALL.plusNanos(System.nanoTime() - START_NANOS);
    }
}
