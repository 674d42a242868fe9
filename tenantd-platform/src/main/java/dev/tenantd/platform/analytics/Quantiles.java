package dev.tenantd.platform.analytics;

import dev.tenantd.platform.observability.LatencyBuckets;
import java.util.List;

/**
 * Quantiles from a {@link LatencyBuckets} histogram. The durations inside a bucket are taken
 * as spread evenly between its bounds, so a quantile is exact at bucket bounds and off by at
 * most the bucket's width inside one; the open last bucket reports its lower bound (30 s).
 */
public final class Quantiles {
    private Quantiles() {
    }

    /** The {@code q} quantile (0..1) in ms; 0 for an empty histogram. */
    public static double interpolatedMs(List<Long> counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        double rank = Math.max(1, q * total);
        long seen = 0;
        for (int i = 0; i < counts.size(); i++) {
            long c = counts.get(i);
            if (c > 0 && seen + c >= rank) {
                double lower = i == 0 ? 0 : LatencyBuckets.upperMs(i - 1);
                if (i == LatencyBuckets.COUNT - 1) {
                    return lower;
                }
                double upper = LatencyBuckets.upperMs(i);
                return lower + (upper - lower) * ((rank - seen) / c);
            }
            seen += c;
        }
        return LatencyBuckets.upperMs(LatencyBuckets.COUNT - 1);
    }
}
