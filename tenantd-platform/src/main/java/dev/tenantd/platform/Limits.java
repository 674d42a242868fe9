package dev.tenantd.platform;

/**
 * Platform-wide limits. Narrower per-script and per-call values are applied
 * on top; a value here is never widened.
 *
 * @param scriptSizeBytes  largest upload, all modules together
 * @param liveIsolates     how many isolates stay loaded before the least recently used is evicted
 */
public record Limits(long scriptSizeBytes, int liveIsolates) {
    public static Limits defaults() {
        return new Limits(10L * 1024 * 1024, 2000);
    }
}
