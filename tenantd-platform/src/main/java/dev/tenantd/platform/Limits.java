package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationLimits;

/**
 * Every limit of the platform, with its default, in one record. Scripts
 * ({@code metadata.limits}) and calls ({@code get(name, args, {limits})})
 * may narrow the per-invocation ones ({@link #forInvocation}); nothing widens them.
 *
 * @param cpuMs            CPU time per invocation, summed over its turns
 * @param memoryMb         heap per isolate (process-wide in V8: set once at start)
 * @param subrequests      fetch() and binding calls per invocation
 * @param scriptSizeBytes  largest upload, all modules (and source maps) together after gzip compression, as
 *                         Workers measure it; uncompressed an upload may be {@link #UNCOMPRESSED_RATIO} times that
 * @param startupMs        CPU time a script's top-level code may take
 * @param logBytes         console output kept per invocation
 * @param wallTimeMs       time an invocation may take, waitUntil included
 * @param liveIsolates     isolates kept loaded before the least recently used is evicted
 * @param concurrentInvocations invocations one script may have in flight; more are shed with a 503
 * @param waitUntilMs      time waitUntil work may take once the response is over (within the wall time)
 */
public record Limits(long cpuMs, int memoryMb, int subrequests, long scriptSizeBytes, long startupMs, int logBytes,
        long wallTimeMs, int liveIsolates, int concurrentInvocations, long waitUntilMs) {

    public Limits {
        if (cpuMs < 1 || memoryMb < 16 || subrequests < 0 || scriptSizeBytes < 1 || startupMs < 1 || logBytes < 0
                || wallTimeMs < 1 || liveIsolates < 1 || concurrentInvocations < 1 || waitUntilMs < 1) {
            throw new IllegalArgumentException("invalid limits: " + cpuMsText(cpuMs) + ", memory " + memoryMb
                    + " MB, " + subrequests + " subrequests, script " + scriptSizeBytes + " bytes, startup " + startupMs
                    + " ms, logs " + logBytes + " bytes, wall " + wallTimeMs + " ms, " + liveIsolates + " live isolates, "
                    + concurrentInvocations + " concurrent invocations per script, waitUntil after the response "
                    + waitUntilMs + " ms");
        }
    }

    /** The limits with Workers' 30 s for waitUntil work after the response. */
    public Limits(long cpuMs, int memoryMb, int subrequests, long scriptSizeBytes, long startupMs, int logBytes,
            long wallTimeMs, int liveIsolates, int concurrentInvocations) {
        this(cpuMs, memoryMb, subrequests, scriptSizeBytes, startupMs, logBytes, wallTimeMs, liveIsolates,
                concurrentInvocations, InvocationLimits.AFTER_RESPONSE_MS);
    }

    private static String cpuMsText(long cpuMs) {
        return "CPU " + cpuMs + " ms";
    }

    /** How many times {@link #scriptSizeBytes} an upload may be before compression (minified code compresses 4-6 times). */
    public static final int UNCOMPRESSED_RATIO = 8;

    /** The largest upload before compression: {@link #UNCOMPRESSED_RATIO} times {@link #scriptSizeBytes}. */
    public long uncompressedScriptBytes() {
        return scriptSizeBytes > Long.MAX_VALUE / UNCOMPRESSED_RATIO / 4 ? Long.MAX_VALUE / 4 : scriptSizeBytes * UNCOMPRESSED_RATIO;
    }

    public static Limits defaults() {
        return new Limits(30_000, 128, 1_000, 10L * 1024 * 1024, 1_000, 128 * 1024, 300_000, 2_000, 1_000);
    }

    /** The per-invocation part, before any script or call narrows it. */
    public InvocationLimits invocation() {
        return new InvocationLimits(cpuMs, subrequests, wallTimeMs, logBytes, waitUntilMs);
    }

    /**
     * What one invocation may spend: the platform's per-invocation limits narrowed by the
     * script's ({@code metadata.limits}) and then by the call's ({@code get(..., {limits})});
     * each value is the smallest any level sets, so no level can widen another's.
     */
    public InvocationLimits forInvocation(ScriptLimits script, InvocationLimits call) {
        return invocation().narrow(script.cpuMs(), script.subrequests()).narrow(call);
    }

    public Limits withScriptSizeBytes(long bytes) {
        return new Limits(cpuMs, memoryMb, subrequests, bytes, startupMs, logBytes, wallTimeMs, liveIsolates,
                concurrentInvocations, waitUntilMs);
    }

    public Limits withLiveIsolates(int count) {
        return new Limits(cpuMs, memoryMb, subrequests, scriptSizeBytes, startupMs, logBytes, wallTimeMs, count,
                concurrentInvocations, waitUntilMs);
    }
}
