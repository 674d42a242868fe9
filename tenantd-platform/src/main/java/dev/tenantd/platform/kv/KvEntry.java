package dev.tenantd.platform.kv;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A stored value with what was written along with it.
 *
 * @param metadata   the metadata's serialized JSON, as written
 * @param expiration seconds since the epoch after which the entry no longer exists
 */
public record KvEntry(String key, byte[] value, Optional<String> metadata, OptionalLong expiration) {
    public KvEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(expiration, "expiration");
    }

    /** The entry as a list shows it: without its value. */
    public KvKey asKey() {
        return new KvKey(key, metadata, expiration);
    }
}
