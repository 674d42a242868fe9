package dev.tenantd.platform;

import java.util.Comparator;
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

    private String hostPattern() {
        return pattern.substring(0, pattern.indexOf('/')).toLowerCase(Locale.ROOT);
    }

    private String pathPattern() {
        return pattern.substring(pattern.indexOf('/'));
    }

    boolean matches(String host, String path) {
        String h = hostPattern();
        boolean hostOk;
        if (h.equals("*")) {
            hostOk = true;
        } else if (h.startsWith("*.")) {
            hostOk = host.endsWith(h.substring(1)) || host.equals(h.substring(2));
        } else if (h.startsWith("*")) {
            hostOk = host.endsWith(h.substring(1));
        } else {
            hostOk = host.equals(h);
        }
        if (!hostOk) {
            return false;
        }
        String p = pathPattern();
        return p.endsWith("*") ? path.startsWith(p.substring(0, p.length() - 1)) : path.equals(p);
    }

    /** Exact hosts beat wildcards, longer host patterns beat shorter, then longer paths. */
    long specificity() {
        String h = hostPattern();
        long exact = h.contains("*") ? 0 : 1;
        return exact * 1_000_000L + h.length() * 1_000L + pathPattern().replace("*", "").length();
    }

    /** The most specific route matching a request, if any. */
    public static Optional<Route> match(List<Route> routes, String host, String path) {
        String h = host.toLowerCase(Locale.ROOT);
        return routes.stream().filter(r -> r.matches(h, path)).max(Comparator.comparingLong(Route::specificity));
    }
}
