package dev.tenantd.platform.cache;

/**
 * The operator's bounds on the Cache API ({@code [cache]} of tenantd.toml).
 *
 * @param maxTotalBytes  what all cached responses may take on disk together; beyond it the least
 *                       recently used are evicted in the background
 * @param maxObjectBytes how large one cached response body may be (Cloudflare allows 512 MB on
 *                       Enterprise plans); a larger one is refused with a TypeError
 * @param threads        how many cache calls run at once (the {@code tenantd-cache} threads)
 */
public record CacheLimits(long maxTotalBytes, long maxObjectBytes, int threads) {
    public CacheLimits {
        if (maxTotalBytes < 1 || maxObjectBytes < 1 || threads < 1) {
            throw new IllegalArgumentException("cache limits must be positive");
        }
        if (maxObjectBytes > maxTotalBytes) {
            throw new IllegalArgumentException("[cache] max-object-mb cannot be larger than max-size-mb");
        }
        if (maxObjectBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("[cache] max-object-mb can be at most 2047");
        }
    }

    public static CacheLimits defaults() {
        return new CacheLimits(1024L << 20, 100L << 20, 2);
    }
}
