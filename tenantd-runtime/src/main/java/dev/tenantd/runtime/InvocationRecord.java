package dev.tenantd.runtime;

/**
 * How an invocation ended, reported once it is fully over (response sent and
 * every waitUntil promise settled, or a limit hit).
 */
public record InvocationRecord(String scriptName, Outcome outcome, long cpuNanos, long wallNanos, int subrequests,
        int status) {
}
