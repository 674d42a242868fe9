package dev.tenantd.runtime;

import java.util.Objects;

/**
 * A TCP connection a worker asks for with {@code connect()} from {@code cloudflare:sockets}:
 * the host name (or address literal) and port as the worker wrote them, and whether TLS is
 * used from the start, never, or later when the worker calls {@code startTls()}.
 */
public record SocketRequest(String hostname, int port, SecureTransport secureTransport) {

    /** The {@code secureTransport} option of {@code connect()}. */
    public enum SecureTransport {
        OFF, ON, STARTTLS
    }

    public SocketRequest {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(secureTransport, "secureTransport");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
