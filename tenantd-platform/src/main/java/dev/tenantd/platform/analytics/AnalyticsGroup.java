package dev.tenantd.platform.analytics;

import dev.tenantd.platform.observability.LatencyBuckets;
import java.util.List;
import java.util.Map;

/**
 * One group's sums and summed CPU and wall time histograms ({@link LatencyBuckets}).
 *
 * @param dimensions the group's value of each dimension it was grouped by (String or Long, as in filters)
 */
public record AnalyticsGroup(
        Map<Dimension, Object> dimensions,
        long requests,
        long errors,
        long subrequests,
        double cpuMsSum,
        double wallMsSum,
        List<Long> cpuBuckets,
        List<Long> wallBuckets) {

    public AnalyticsGroup {
        dimensions = Map.copyOf(dimensions);
        cpuBuckets = List.copyOf(cpuBuckets);
        wallBuckets = List.copyOf(wallBuckets);
    }

    /** The {@code q} quantile (0..1) of CPU time in ms, interpolated within its histogram bucket. */
    public double cpuQuantileMs(double q) {
        return Quantiles.interpolatedMs(cpuBuckets, q);
    }

    /** The {@code q} quantile (0..1) of wall time in ms, interpolated within its histogram bucket. */
    public double wallQuantileMs(double q) {
        return Quantiles.interpolatedMs(wallBuckets, q);
    }
}
