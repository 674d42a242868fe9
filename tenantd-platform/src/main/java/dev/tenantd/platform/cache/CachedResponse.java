package dev.tenantd.platform.cache;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A response as the cache keeps it: status, headers (as {@link CachePolicy} left them),
 * body, when it expires, and the request header values it was stored for ({@code Vary}).
 */
record CachedResponse(int status, String statusText, HttpFields headers, byte[] body, Instant expires,
        Map<String, String> vary) {
    public CachedResponse {
        Objects.requireNonNull(statusText, "statusText");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(expires, "expires");
        vary = Map.copyOf(vary);
    }
}
