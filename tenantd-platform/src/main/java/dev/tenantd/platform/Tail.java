package dev.tenantd.platform;

import java.time.Instant;
import java.util.Objects;

/**
 * A live tail of a script: what {@code POST .../scripts/{name}/tails} creates, for a
 * plain worker or a namespace's user worker. {@code secret} is the credential a client presents on the WebSocket,
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
