package dev.tenantd.runtime;

/**
 * What one invocation may spend. Values combine by {@link #narrow}: the smaller
 * always wins, so a script or a call can tighten a limit but never widen it.
 *
 * @param cpuMs        CPU time summed over the invocation's turns
 * @param subrequests  fetch() calls plus calls through bindings
 * @param wallTimeMs   time from start until the response and every waitUntil promise settle
 * @param logBytes     console output kept per invocation; the rest is dropped with a note
 * @param afterResponseMs time waitUntil work may take once the response is over (its body sent
 *                     whole, broken off or left by its client), within the wall time; what is
 *                     still pending then is cancelled, as on Workers (30 s)
 */
public record InvocationLimits(long cpuMs, int subrequests, long wallTimeMs, int logBytes, long afterResponseMs) {
    /** Workers' allowance for waitUntil work after the response. */
    public static final long AFTER_RESPONSE_MS = 30_000;

    public InvocationLimits {
        if (cpuMs < 1 || subrequests < 0 || wallTimeMs < 1 || logBytes < 0 || afterResponseMs < 1) {
            throw new IllegalArgumentException("limits must be positive: " + cpuMs + " ms CPU, " + subrequests
                    + " subrequests, " + wallTimeMs + " ms wall time, " + logBytes + " log bytes, " + afterResponseMs
                    + " ms after the response");
        }
    }

    /** The limits with Workers' {@link #AFTER_RESPONSE_MS} for waitUntil work after the response. */
    public InvocationLimits(long cpuMs, int subrequests, long wallTimeMs, int logBytes) {
        this(cpuMs, subrequests, wallTimeMs, logBytes, AFTER_RESPONSE_MS);
    }

    /** Cloudflare's paid-plan defaults; wall time is bounded so that nothing runs forever. */
    public static InvocationLimits defaults() {
        return new InvocationLimits(30_000, 1_000, 300_000, 128 * 1024);
    }

    public InvocationLimits narrow(InvocationLimits other) {
        return new InvocationLimits(Math.min(cpuMs, other.cpuMs), Math.min(subrequests, other.subrequests),
                Math.min(wallTimeMs, other.wallTimeMs), Math.min(logBytes, other.logBytes),
                Math.min(afterResponseMs, other.afterResponseMs));
    }

    /** Narrows by optional values (absent or non-positive means "no opinion"). */
    public InvocationLimits narrow(long cpuMs, int subrequests) {
        return new InvocationLimits(cpuMs > 0 ? Math.min(this.cpuMs, cpuMs) : this.cpuMs,
                subrequests >= 0 ? Math.min(this.subrequests, subrequests) : this.subrequests, wallTimeMs, logBytes,
                afterResponseMs);
    }
}
