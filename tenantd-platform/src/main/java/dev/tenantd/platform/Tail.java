package dev.tenantd.platform;

import java.time.Instant;
import java.util.Objects;

/**
 * A live tail of a plain worker: what {@code POST .../workers/scripts/{name}/tails}
 * creates. {@code secret} is the credential a client presents on the WebSocket,
 * which carries no Authorization header.
 */
public record Tail(String id, String secret, ScriptRef script, Instant expiresAt) {
    public Tail {
        Objects.requireNonNull(id);
        Objects.requireNonNull(secret);
        Objects.requireNonNull(script);
        Objects.requireNonNull(expiresAt);
    }
}
