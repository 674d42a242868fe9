package dev.tenantd.platform.store;

import dev.tenantd.platform.analytics.AnalyticsGroup;
import dev.tenantd.platform.analytics.AnalyticsQuery;
import java.util.List;

/**
 * Grouped sums over the per-minute invocation aggregates: the filtering, grouping, ordering
 * and limiting happen in the store, so that a week of a large namespace never comes into memory.
 */
public interface InvocationAnalytics {

    /**
     * How long the queries of one request may run together: the analytics threads are few and
     * shared by every account, so a request over years of minutes is stopped with a message
     * saying how to narrow it.
     */
    long BUDGET_MS = 10_000;

    /** The groups the query asks for, in its order, at most its limit; stopped after {@link #BUDGET_MS}. */
    default List<AnalyticsGroup> groups(AnalyticsQuery query) {
        return groups(query, System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(BUDGET_MS));
    }

    /**
     * The same, stopped at {@code deadlineNanos} (of {@link System#nanoTime}): the queries of
     * one request share one deadline.
     */
    List<AnalyticsGroup> groups(AnalyticsQuery query, long deadlineNanos);
}
