package dev.tenantd.platform.observability;

import java.util.List;
import java.util.Objects;

/**
 * What one script did in one minute with one outcome and status: the totals analytics sum
 * over, and CPU and wall time histograms over {@link LatencyBuckets} for percentiles.
 *
 * @param minuteMillis the minute's start, milliseconds since the epoch
 * @param errors       invocations whose outcome is not {@code ok}
 */
public record MinuteAggregate(
        String accountId,
        String namespace,
        String script,
        long minuteMillis,
        String outcome,
        int status,
        long requests,
        long errors,
        long subrequests,
        double cpuMsSum,
        double wallMsSum,
        List<Long> cpuBuckets,
        List<Long> wallBuckets) {

    public MinuteAggregate {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(outcome, "outcome");
        cpuBuckets = List.copyOf(cpuBuckets);
        wallBuckets = List.copyOf(wallBuckets);
        if (cpuBuckets.size() != LatencyBuckets.COUNT || wallBuckets.size() != LatencyBuckets.COUNT) {
            throw new IllegalArgumentException("histograms must have " + LatencyBuckets.COUNT + " buckets");
        }
    }
}
