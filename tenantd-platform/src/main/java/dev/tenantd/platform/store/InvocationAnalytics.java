package dev.tenantd.platform.store;

import dev.tenantd.platform.analytics.AnalyticsGroup;
import dev.tenantd.platform.analytics.AnalyticsQuery;
import java.util.List;

/**
 * Grouped sums over the per-minute invocation aggregates: the filtering, grouping, ordering
 * and limiting happen in the store, so that a week of a large namespace never comes into memory.
 */
public interface InvocationAnalytics {

    /** The groups the query asks for, in its order, at most its limit. */
    List<AnalyticsGroup> groups(AnalyticsQuery query);
}
