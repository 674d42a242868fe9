package dev.tenantd.platform.analytics;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A grouped-sum query over one account's per-minute aggregates.
 *
 * @param fromMillis the first minute counted (minutes are compared by their start)
 * @param toMillis   the last minute counted, inclusive
 * @param scripts    when present, only these scripts count (a tag's scripts, resolved by the caller)
 * @param groupBy    the dimensions each group has one value of; empty: one group over everything
 */
public record AnalyticsQuery(
        String accountId,
        long fromMillis,
        long toMillis,
        List<AnalyticsFilter> filters,
        Optional<List<ScriptKey>> scripts,
        List<Dimension> groupBy,
        List<AnalyticsOrder> orderBy,
        int limit) {
    public static final int MAX_LIMIT = 10_000;

    public AnalyticsQuery {
        Objects.requireNonNull(accountId, "accountId");
        filters = List.copyOf(filters);
        scripts = scripts.map(List::copyOf);
        groupBy = List.copyOf(groupBy);
        orderBy = List.copyOf(orderBy);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
        }
    }
}
