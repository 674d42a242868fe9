package dev.tenantd.platform.cache;

/**
 * The operator's bounds on the Cache API ({@code [cache]} of tenantd.toml).
 *
 * @param maxTotalBytes  what all cached responses may take on disk together; beyond it the least
 *                       recently used are evicted in the background
 * @param maxObjectBytes how large one cached response body may be (Cloudflare allows 512 MB on
 *                       Enterprise plans); a larger one is refused with a TypeError
 * @param threads        how many cache calls run at once (the {@code tenantd-cache} threads)
 * @param maxOwnerBytes  what one owner's entries may take together (a user worker of an
 *                       untrusted namespace, a trusted namespace, or an account's plain
 *                       workers): past it the owner's own least recently used go at once, so
 *                       that no tenant can push every other tenant's entries out of the cache
 */
public record CacheLimits(long maxTotalBytes, long maxObjectBytes, int threads, long maxOwnerBytes) {
    public CacheLimits {
        if (maxTotalBytes < 1 || maxObjectBytes < 1 || threads < 1 || maxOwnerBytes < 1) {
            throw new IllegalArgumentException("cache limits must be positive");
        }
        if (maxObjectBytes > maxTotalBytes) {
            throw new IllegalArgumentException("[cache] max-object-mb cannot be larger than max-size-mb");
        }
        if (maxObjectBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("[cache] max-object-mb can be at most 2047");
        }
        if (maxOwnerBytes > maxTotalBytes || maxOwnerBytes < maxObjectBytes) {
            throw new IllegalArgumentException("[cache] max-owner-mb must lie between max-object-mb and max-size-mb");
        }
    }

    /** Limits whose owner share is the default: a quarter of the total, and at least one largest object. */
    public CacheLimits(long maxTotalBytes, long maxObjectBytes, int threads) {
        this(maxTotalBytes, maxObjectBytes, threads, defaultOwnerBytes(maxTotalBytes, maxObjectBytes));
    }

    /** A quarter of the total, and at least one largest object. */
    public static long defaultOwnerBytes(long maxTotalBytes, long maxObjectBytes) {
        return Math.min(maxTotalBytes, Math.max(maxTotalBytes / 4, maxObjectBytes));
    }

    public static CacheLimits defaults() {
        return new CacheLimits(1024L << 20, 100L << 20, 2);
    }
}
