package dev.tenantd.platform.kv;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** One key of a listing: its name, metadata (serialized JSON) and expiration (seconds since the epoch). */
public record KvKey(String name, Optional<String> metadata, OptionalLong expiration) {
    public KvKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(expiration, "expiration");
    }
}
