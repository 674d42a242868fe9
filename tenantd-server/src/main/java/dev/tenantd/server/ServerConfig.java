package dev.tenantd.server;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
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
        ListenerLimits listenerLimits) {

    public ServerConfig {
        routes = List.copyOf(routes);
        java.util.Objects.requireNonNull(listenerLimits, "listenerLimits");
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
