package dev.tenantd.server;

/**
 * What one client may cost a listener: how long it may take to send a request, how long a
 * kept-alive connection may wait for its next one, and how many connections it may hold.
 * Each listener (worker traffic, API) applies them on its own, so a flood of one never
 * locks the operator out of the other. {@code [server]} in tenantd.toml.
 *
 * @param idleTimeoutMs          a kept-alive connection waiting for the first byte of its next request,
 *                               or a response its client takes nothing of
 * @param headerTimeoutMs        from the connection's start, or the first byte of a later request,
 *                               until that request's headers are complete
 * @param bodyTimeoutMs          a request body may take this long ...
 * @param bodyMinBytesPerSecond  ... plus one second for every this many bytes of it that arrived
 * @param maxConnections         open connections to the listener
 * @param maxConnectionsPerIp    open connections from one client address (one IPv6 /64)
 * @param maxRequestBodyMb       the longest request body a client may send; longer ones are cut
 *                               with a 413 (worker listener)
 * @param shutdownGraceMs        how long a stopping server lets the requests it is serving, and their
 *                               {@code waitUntil} work, finish (0: it cuts them at once)
 */
public record ListenerLimits(long idleTimeoutMs, long headerTimeoutMs, long bodyTimeoutMs, long bodyMinBytesPerSecond,
        int maxConnections, int maxConnectionsPerIp, long maxRequestBodyMb, long shutdownGraceMs) {

    /** The default longest request body, in MB: what Workers takes on most plans. */
    public static final long DEFAULT_MAX_REQUEST_BODY_MB = 100;
    /**
     * How long a stopping server waits for its requests by default: enough for an ordinary
     * request and its {@code waitUntil} work; with the rest of the shutdown (a few seconds at
     * most) it asks an orchestrator for a stop timeout of 15 s.
     */
    public static final long DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

    public ListenerLimits {
        positive("idle-timeout-ms", idleTimeoutMs);
        positive("header-timeout-ms", headerTimeoutMs);
        positive("body-timeout-ms", bodyTimeoutMs);
        positive("body-min-bytes-per-second", bodyMinBytesPerSecond);
        positive("max-connections", maxConnections);
        positive("max-connections-per-ip", maxConnectionsPerIp);
        positive("max-request-body-mb", maxRequestBodyMb);
        if (shutdownGraceMs < 0 || shutdownGraceMs > MAX_SHUTDOWN_GRACE_MS) {
            throw new IllegalArgumentException("[server] shutdown-grace-ms must be 0 to " + MAX_SHUTDOWN_GRACE_MS
                    + " (got " + shutdownGraceMs + ")");
        }
    }

    /** The longest grace a stopping server gives: an hour. */
    static final long MAX_SHUTDOWN_GRACE_MS = 3_600_000;

    public ListenerLimits(long idleTimeoutMs, long headerTimeoutMs, long bodyTimeoutMs, long bodyMinBytesPerSecond,
            int maxConnections, int maxConnectionsPerIp, long maxRequestBodyMb) {
        this(idleTimeoutMs, headerTimeoutMs, bodyTimeoutMs, bodyMinBytesPerSecond, maxConnections, maxConnectionsPerIp,
                maxRequestBodyMb, DEFAULT_SHUTDOWN_GRACE_MS);
    }

    public ListenerLimits(long idleTimeoutMs, long headerTimeoutMs, long bodyTimeoutMs, long bodyMinBytesPerSecond,
            int maxConnections, int maxConnectionsPerIp) {
        this(idleTimeoutMs, headerTimeoutMs, bodyTimeoutMs, bodyMinBytesPerSecond, maxConnections, maxConnectionsPerIp,
                DEFAULT_MAX_REQUEST_BODY_MB);
    }

    /** The same limits with this grace for a stopping server. */
    public ListenerLimits withShutdownGraceMs(long ms) {
        return new ListenerLimits(idleTimeoutMs, headerTimeoutMs, bodyTimeoutMs, bodyMinBytesPerSecond, maxConnections,
                maxConnectionsPerIp, maxRequestBodyMb, ms);
    }

    public long maxRequestBodyBytes() {
        return maxRequestBodyMb * 1024 * 1024;
    }

    /**
     * Kept-alive connections outlive the 60 s idle timeout common in load balancers, so the
     * balancer closes first; honest clients send headers in one packet and bodies far faster
     * than 1 KB/s; 256 connections from one address are more than browsers open.
     */
    public static ListenerLimits defaults() {
        return new ListenerLimits(75_000, 20_000, 20_000, 1024, 10_000, 256);
    }

    private static void positive(String key, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("[server] " + key + " must be 1 or more (got " + value + ")");
        }
    }
}
