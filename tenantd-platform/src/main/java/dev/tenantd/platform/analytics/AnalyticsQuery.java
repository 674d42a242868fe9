package dev.tenantd.platform.analytics;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A grouped-sum query over one account's per-minute aggregates.
 *
 * @param fromMillis the first minute counted (minutes are compared by their start)
 * @param toMillis   the last minute counted, inclusive
 * @param scripts    when present, only these scripts count (a tag's scripts, resolved by the caller)
 * @param groupBy    the dimensions each group has one value of; empty: one group over everything
 * @param histograms the histograms to sum (for quantiles); the others come back empty, which
 *                   saves summing sixteen columns each
 */
public record AnalyticsQuery(
        String accountId,
        long fromMillis,
        long toMillis,
        List<AnalyticsFilter> filters,
        Optional<List<ScriptKey>> scripts,
        List<Dimension> groupBy,
        List<AnalyticsOrder> orderBy,
        Set<Histogram> histograms,
        int limit) {
    public static final int MAX_LIMIT = 10_000;

    /** The per-minute histograms a query can sum. */
    public enum Histogram { CPU, WALL }

    public AnalyticsQuery {
        Objects.requireNonNull(accountId, "accountId");
        filters = List.copyOf(filters);
        scripts = scripts.map(List::copyOf);
        groupBy = List.copyOf(groupBy);
        orderBy = List.copyOf(orderBy);
        histograms = Set.copyOf(histograms);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
        }
    }
}
