package dev.tenantd.platform.kv;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One checked write: made only by {@link KvService#write}, which enforces the key, value,
 * metadata and expiration limits and turns a TTL into an absolute expiration.
 *
 * @param metadata   serialized JSON
 * @param expiration seconds since the epoch
 */
public record KvWrite(String key, byte[] value, Optional<String> metadata, OptionalLong expiration) {
    public KvWrite {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(expiration, "expiration");
    }
}
