package dev.tenantd.platform;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Sends requests whose host and path match a pattern to a plain worker.
 * Patterns are {@code host/path}: the host may start with {@code *.} (any
 * subdomain) or be {@code *}; the path may end with {@code *} (any suffix).
 */
public record Route(String pattern, String script) {

    public Route {
        Objects.requireNonNull(pattern);
        Objects.requireNonNull(script);
        int slash = pattern.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("route pattern '" + pattern
                    + "' must be HOST/PATH, for example *.example.com/*");
        }
    }

    /** Parses {@code PATTERN=SCRIPT}. */
    public static Route parse(String text) {
        int eq = text.lastIndexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("route '" + text + "' must be PATTERN=SCRIPT, for example '*.example.com/*=dispatcher'");
        }
        String pattern = text.substring(0, eq).strip();
        pattern = pattern.replaceFirst("^https?://", "");
        return new Route(pattern, Names.script(text.substring(eq + 1).strip()));
    }

    /** This route compiled for matching (see {@link RouteTable}). */
    Matcher matcher() {
        return new Matcher(this);
    }

    /** The most specific route matching a request, if any. */
    public static Optional<Route> match(List<Route> routes, String host, String path) {
        return new RouteTable<>(routes, r -> r).match(host.toLowerCase(Locale.ROOT), path);
    }

    /**
     * A route's pattern taken apart once, so that matching a request compares strings in place
     * and allocates nothing: matching runs for every request the server is sent.
     */
    static final class Matcher {
        private enum HostKind { ANY, SUBDOMAIN_OR_APEX, SUFFIX, EXACT }

        final Route route;
        private final HostKind hostKind;
        /** EXACT: the host; SUBDOMAIN_OR_APEX: ".example.com"; SUFFIX: what follows the star. */
        private final String host;
        /** For SUBDOMAIN_OR_APEX: the apex, "example.com". */
        private final String apex;
        private final String path;
        private final boolean pathPrefix;
        /** Exact hosts beat wildcards, longer host patterns beat shorter, then longer paths. */
        final long specificity;

        private Matcher(Route route) {
            this.route = route;
            int slash = route.pattern.indexOf('/');
            String h = route.pattern.substring(0, slash).toLowerCase(Locale.ROOT);
            String p = route.pattern.substring(slash);
            if (h.equals("*")) {
                hostKind = HostKind.ANY;
                host = "";
                apex = "";
            } else if (h.startsWith("*.")) {
                hostKind = HostKind.SUBDOMAIN_OR_APEX;
                host = h.substring(1);
                apex = h.substring(2);
            } else if (h.startsWith("*")) {
                hostKind = HostKind.SUFFIX;
                host = h.substring(1);
                apex = "";
            } else {
                hostKind = HostKind.EXACT;
                host = h;
                apex = "";
            }
            pathPrefix = p.endsWith("*");
            path = pathPrefix ? p.substring(0, p.length() - 1) : p;
            specificity = (h.contains("*") ? 0 : 1) * 1_000_000L + h.length() * 1_000L + p.replace("*", "").length();
        }

        /** Whether a request for {@code lowerHost} (lower case, no port) and {@code path} matches. */
        boolean matches(String lowerHost, String requestPath) {
            boolean hostOk = switch (hostKind) {
                case ANY -> true;
                case SUBDOMAIN_OR_APEX -> lowerHost.endsWith(host) || lowerHost.equals(apex);
                case SUFFIX -> lowerHost.endsWith(host);
                case EXACT -> lowerHost.equals(host);
            };
            return hostOk && (pathPrefix ? requestPath.startsWith(path) : requestPath.equals(path));
        }
    }
}
