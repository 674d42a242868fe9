package dev.tenantd.platform;

/**
 * Limits a script asks for in its upload metadata ({@code limits: {cpu_ms, subrequests}});
 * {@code 0} or less means "the platform's". They only ever narrow the platform's.
 */
public record ScriptLimits(long cpuMs, int subrequests) {
    public static final ScriptLimits NONE = new ScriptLimits(0, -1);
}
