package dev.tenantd.server;

import java.util.Optional;

/**
 * Whether the Java heap the JVM allows can hold what the configuration lets requests hold on it
 * at once: bodies buffered between sockets and isolates ({@code [limits] buffered-bodies-mb}) and
 * the rows of D1 calls running at once ({@code [d1] result-mb} times {@code [d1] threads}). When
 * those alone may take more than {@value #SHARE_PERCENT} % of the maximum heap, the rest of the
 * server (connections, isolates' Java side, caches) could run out of heap under a burst of large
 * bodies, and start-up says so.
 */
final class HeapBudget {
    static final int SHARE_PERCENT = 75;

    private HeapBudget() {
    }

    /** The warning to log for {@code config} in a JVM whose heap may grow to {@code maxHeapBytes}, if any. */
    static Optional<String> warning(ServerConfig config, long maxHeapBytes) {
        double bodies = config.capacity().bufferedBodyBytes();
        double rows = (double) config.d1().resultBytes() * config.d1().threads();
        if (maxHeapBytes == Long.MAX_VALUE || bodies + rows <= maxHeapBytes * (SHARE_PERCENT / 100.0)) {
            return Optional.empty();
        }
        double mb = 1 << 20;
        long suggestedGb = (long) Math.ceil((bodies + rows) / (SHARE_PERCENT / 100.0) / (1 << 30));
        return Optional.of(String.format(
                "the Java heap may grow to %.0f MB, but [limits] buffered-bodies-mb (%.0f MB) and [d1] result-mb times"
                        + " [d1] threads (%.0f MB) let requests hold %.0f MB of it at once, more than %d %%: give the"
                        + " JVM a larger heap (e.g. TENANTD_JAVA_OPTS=-Xmx%dg ./tenantd serve) or lower those settings",
                maxHeapBytes / mb, bodies / mb, rows / mb, (bodies + rows) / mb, SHARE_PERCENT, suggestedGb));
    }
}
