package dev.tenantd.server;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
import dev.tenantd.platform.cache.CacheLimits;
import dev.tenantd.platform.kv.KvSettings;
import dev.tenantd.platform.d1.D1Limits;
import dev.tenantd.platform.observability.ObservabilitySettings;
import dev.tenantd.server.metrics.MetricsConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a server needs to start, after flags, {@code tenantd.toml} and
 * defaults were merged (flags win over the file, the file over defaults).
 */
public record ServerConfig(
        Path dataDir,
        HostPort listen,
        HostPort apiListen,
        String accountId,
        String apiToken,
        List<Route> routes,
        String workersDevDomain,
        Limits limits,
        EgressPolicy egress,
        int jsThreads,
        ListenerLimits listenerLimits,
        Capacity capacity,
        D1Limits d1,
        CacheLimits cache,
        ObservabilitySettings observability,
        MetricsConfig metrics,
        KvSettings kv) {

    public ServerConfig {
        routes = List.copyOf(routes);
        java.util.Objects.requireNonNull(listenerLimits, "listenerLimits");
        java.util.Objects.requireNonNull(capacity, "capacity");
        java.util.Objects.requireNonNull(d1, "d1");
        java.util.Objects.requireNonNull(cache, "cache");
        java.util.Objects.requireNonNull(observability, "observability");
        java.util.Objects.requireNonNull(metrics, "metrics");
        java.util.Objects.requireNonNull(kv, "kv");
    }

    /** A configuration with the default {@link ObservabilitySettings} and {@link MetricsConfig}. */
    public ServerConfig(Path dataDir, HostPort listen, HostPort apiListen, String accountId, String apiToken,
            List<Route> routes, String workersDevDomain, Limits limits, EgressPolicy egress, int jsThreads,
            ListenerLimits listenerLimits, Capacity capacity, D1Limits d1, CacheLimits cache) {
        this(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, limits, egress, jsThreads,
                listenerLimits, capacity, d1, cache, ObservabilitySettings.defaults(), MetricsConfig.defaults(),
                KvSettings.defaults());
    }

    /** This configuration with other invocation record settings ({@code [observability]} of tenantd.toml). */
    public ServerConfig withObservability(ObservabilitySettings settings) {
        return new ServerConfig(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, limits,
                egress, jsThreads, listenerLimits, capacity, d1, cache, settings, metrics, kv);
    }

    /** This configuration with other metrics settings ({@code [metrics]} of tenantd.toml). */
    public ServerConfig withMetrics(MetricsConfig metrics) {
        return new ServerConfig(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, limits,
                egress, jsThreads, listenerLimits, capacity, d1, cache, observability, metrics, kv);
    }

    /** This configuration with other KV settings ({@code [kv]} of tenantd.toml). */
    public ServerConfig withKv(KvSettings kv) {
        return new ServerConfig(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, limits,
                egress, jsThreads, listenerLimits, capacity, d1, cache, observability, metrics, kv);
    }

    /** A configuration with the default {@link CacheLimits}. */
    public ServerConfig(Path dataDir, HostPort listen, HostPort apiListen, String accountId, String apiToken,
            List<Route> routes, String workersDevDomain, Limits limits, EgressPolicy egress, int jsThreads,
            ListenerLimits listenerLimits, Capacity capacity, D1Limits d1) {
        this(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, limits, egress, jsThreads,
                listenerLimits, capacity, d1, CacheLimits.defaults());
    }

    /** This configuration with other cache limits ({@code [cache]} of tenantd.toml). */
    public ServerConfig withCache(CacheLimits limits) {
        return new ServerConfig(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, this.limits,
                egress, jsThreads, listenerLimits, capacity, d1, limits, observability, metrics, kv);
    }

    /** A configuration with the default {@link D1Limits}. */
    public ServerConfig(Path dataDir, HostPort listen, HostPort apiListen, String accountId, String apiToken,
            List<Route> routes, String workersDevDomain, Limits limits, EgressPolicy egress, int jsThreads,
            ListenerLimits listenerLimits, Capacity capacity) {
        this(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, limits, egress, jsThreads,
                listenerLimits, capacity, D1Limits.defaults());
    }

    /** This configuration with other D1 limits ({@code [d1]} of tenantd.toml). */
    public ServerConfig withD1(D1Limits limits) {
        return new ServerConfig(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, this.limits,
                egress, jsThreads, listenerLimits, capacity, limits, cache, observability, metrics, kv);
    }

    /** A configuration with the default {@link Capacity}. */
    public ServerConfig(Path dataDir, HostPort listen, HostPort apiListen, String accountId, String apiToken,
            List<Route> routes, String workersDevDomain, Limits limits, EgressPolicy egress, int jsThreads,
            ListenerLimits listenerLimits) {
        this(dataDir, listen, apiListen, accountId, apiToken, routes, workersDevDomain, limits, egress, jsThreads,
                listenerLimits, Capacity.defaults());
    }

    /**
     * What the whole process allows at once, across all tenants ({@code [limits]} of tenantd.toml).
     *
     * @param longTurns         turns running long (over 5 ms of CPU) at once, each on its own
     *                          lowest-priority thread; a long turn beyond them is stopped with a 503
     * @param bufferedBodyBytes request and response bodies held in memory at once on their way
     *                          between sockets and isolates; a body beyond it gets a 503
     * @param residentBytes     the process's resident memory, kept under this by evicting idle
     *                          isolates and loading none while over it (0: not kept)
     */
    public record Capacity(int longTurns, long bufferedBodyBytes, long residentBytes) {
        /** The least {@code resident-mb} other than 0: below it the server could load no worker at all. */
        public static final long MIN_RESIDENT_BYTES = 256L * 1024 * 1024;

        public Capacity {
            if (longTurns < 1) {
                throw new IllegalArgumentException("[limits] long-turns must be at least 1");
            }
            if (bufferedBodyBytes < 1024 * 1024) {
                throw new IllegalArgumentException("[limits] buffered-bodies-mb must be at least 1");
            }
            if (residentBytes != 0 && residentBytes < MIN_RESIDENT_BYTES) {
                throw new IllegalArgumentException("[limits] resident-mb must be 0 (not kept) or at least "
                        + (MIN_RESIDENT_BYTES >> 20));
            }
        }

        /** With the default resident limit. */
        public Capacity(int longTurns, long bufferedBodyBytes) {
            this(longTurns, bufferedBodyBytes, defaultResidentBytes());
        }

        /**
         * Most of the memory the process may use (the machine's, or its container's limit); 0,
         * not kept, where that is under {@link #MIN_RESIDENT_BYTES}: so small a machine runs a
         * handful of workers, and loading none at all would serve nobody.
         */
        public static long defaultResidentBytes() {
            long limit = dev.tenantd.platform.Invoker.defaultResidentLimitBytes();
            return limit >= MIN_RESIDENT_BYTES ? limit : 0;
        }

        public static Capacity defaults() {
            return new Capacity(dev.tenantd.runtime.EngineOptions.DEFAULT_MAX_LONG_TURNS,
                    dev.tenantd.runtime.EngineOptions.DEFAULT_BUFFERED_BODY_BYTES);
        }
    }

    public record HostPort(String host, int port) {
        public static HostPort parse(String text, String flag) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(flag + " must be HOST:PORT, for example 127.0.0.1:8787 (got '" + text + "')");
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return new HostPort(text.substring(0, colon), port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " has an invalid port in '" + text + "'");
            }
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
