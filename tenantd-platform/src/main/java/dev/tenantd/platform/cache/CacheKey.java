package dev.tenantd.platform.cache;

import java.util.Objects;
import java.util.Optional;

/**
 * Where an entry lives: the key space of the worker that stored it ({@code scope}, see
 * {@link CacheKind}), the cache within it ({@code caches.default} or a name given to
 * {@code caches.open}), and the request URL.
 */
public record CacheKey(String scope, String cache, String url) {
    public CacheKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(url, "url");
    }

    /** {@code name} empty for {@code caches.default}; named caches never share its key space, even one named "". */
    public static CacheKey of(String scope, Optional<String> name, String url) {
        return new CacheKey(scope, name.map(n -> "open:" + n).orElse("default"), url);
    }
}
