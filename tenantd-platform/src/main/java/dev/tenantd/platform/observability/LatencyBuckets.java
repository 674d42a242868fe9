package dev.tenantd.platform.observability;

import java.util.List;

/**
 * The fixed histogram that per-minute aggregates keep for CPU and wall time, so that p50 and
 * p99 over any range are a sum of rows: bucket {@code i} counts durations at most
 * {@code UPPER_MS[i]} and above the previous bound; the last one counts the rest.
 */
public final class LatencyBuckets {
    /** Upper bounds in milliseconds, roughly 1-2-5 steps from 0.5 ms to 30 s. */
    static final double[] UPPER_MS = {0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000};
    /** The bounds above and one bucket for longer durations. */
    public static final int COUNT = UPPER_MS.length + 1;

    private LatencyBuckets() {
    }

    /** The bucket a duration falls in. */
    public static int of(double ms) {
        for (int i = 0; i < UPPER_MS.length; i++) {
            if (ms <= UPPER_MS[i]) {
                return i;
            }
        }
        return UPPER_MS.length;
    }

    /** The upper bound of a bucket in ms; the last bucket reports the largest finite bound. */
    public static double upperMs(int bucket) {
        return UPPER_MS[Math.min(bucket, UPPER_MS.length - 1)];
    }

    /** The upper bound of the bucket where the {@code q} quantile (0..1) of a histogram lies; 0 when it is empty. */
    public static double quantileMs(List<Long> counts, double q) {
        long total = counts.stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.size(); i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return upperMs(i);
            }
        }
        return upperMs(COUNT - 1);
    }
}
