package dev.tenantd.platform.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a response given to {@code cache.put} is kept, for how long, and with which
 * headers, as Cloudflare's cache decides: the response's {@code Cache-Control}
 * ({@code s-maxage} over {@code max-age}; {@code no-store}, {@code no-cache} and a bare
 * {@code private} keep nothing; {@code private=field} stores the response without those
 * fields), else {@code Expires}, else Cloudflare's default edge TTL for the status (2 hours
 * for 200, 206 and 301; 20 minutes for 302 and 303; 3 minutes for 404 and 410; nothing for
 * others). A response that still has {@code Set-Cookie} is never kept. {@code Vary} names
 * the request headers whose values an entry is kept for.
 */
final class CachePolicy {
    /** The longest an entry is kept, whatever its headers ask: a year. */
    static final Duration MAX_LIFE = Duration.ofDays(365);

    private CachePolicy() {
    }

    /** What happens to a response: stored (until {@code expires}, with these headers, for these request values) or not. */
    sealed interface Decision {
    }

    record Store(Instant expires, HttpFields headers, Map<String, String> vary) implements Decision {
    }

    record Skip(String reason) implements Decision {
    }

    static Decision decide(int status, HttpFields response, HttpFields request, Instant now) {
        Map<String, Optional<String>> directives = directives(response.get("cache-control").orElse(""));
        if (directives.containsKey("no-store")) {
            return new Skip("Cache-Control: no-store");
        }
        HttpFields headers = response;
        for (String field : List.of("private", "no-cache")) {
            if (!directives.containsKey(field)) {
                continue;
            }
            Optional<String> names = directives.get(field);
            if (names.isEmpty()) {
                return new Skip("Cache-Control: " + field);
            }
            headers = headers.without(HttpFields.members(names.get().toLowerCase(Locale.ROOT)));
        }
        if (headers.has("set-cookie")) {
            return new Skip("Set-Cookie (Cache-Control: private=Set-Cookie stores the response without it)");
        }
        Optional<Duration> ttl = seconds(directives.get("s-maxage")).or(() -> seconds(directives.get("max-age")));
        if (ttl.isEmpty() && response.has("expires")) {
            Instant base = response.get("date").flatMap(HttpFields::date).orElse(now);
            // An Expires that is not a date means "already expired".
            ttl = Optional.of(response.get("expires").flatMap(HttpFields::date).map(e -> Duration.between(base, e))
                    .orElse(Duration.ZERO));
        }
        Duration life = ttl.orElseGet(() -> defaultTtl(status));
        if (life.isNegative() || life.isZero()) {
            return new Skip("expired on arrival");
        }
        if (life.compareTo(MAX_LIFE) > 0) {
            life = MAX_LIFE;
        }
        Map<String, String> vary = new LinkedHashMap<>();
        for (String name : HttpFields.members(response.get("vary").orElse("").toLowerCase(Locale.ROOT))) {
            vary.put(name, request.get(name).orElse(""));
        }
        return new Store(now.plus(life), headers, vary);
    }

    /** Whether a request may be answered by an entry kept for the request header values {@code vary}. */
    static boolean varyMatches(Map<String, String> vary, HttpFields request) {
        return vary.entrySet().stream().allMatch(e -> request.get(e.getKey()).orElse("").equals(e.getValue()));
    }

    private static Duration defaultTtl(int status) {
        return switch (status) {
            case 200, 206, 301 -> Duration.ofHours(2);
            case 302, 303 -> Duration.ofMinutes(20);
            case 404, 410 -> Duration.ofMinutes(3);
            default -> Duration.ZERO;
        };
    }

    private static Optional<Duration> seconds(Optional<String> value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        String digits = value.get().strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(digits))));
        } catch (NumberFormatException e) {
            if (!digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                // Too large for a number: RFC 9111 reads such an age as the largest it allows (2^31 s).
                return Optional.of(Duration.ofSeconds(Integer.MAX_VALUE + 1L));
            }
            // A malformed age gives the response no life, as RFC 9111 says to treat it as stale.
            return Optional.of(Duration.ZERO);
        }
    }

    /** Cache-Control directives, names in lower case, values unquoted; a comma inside quotes stays in its value. */
    static Map<String, Optional<String>> directives(String header) {
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        parts.add(current.toString());
        for (String part : parts) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            Optional<String> value = eq < 0 ? Optional.empty() : Optional.of(p.substring(eq + 1).strip().replace("\"", ""));
            out.putIfAbsent(name, value);
        }
        return out;
    }
}
