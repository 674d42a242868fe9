package dev.tenantd.platform;

import dev.tenantd.runtime.ModuleType;
import java.util.Objects;
import java.util.Optional;

/**
 * A module of a stored version: its name, type and the hash of its content in the blob store,
 * and the hash of its source map there when it was uploaded with one.
 */
public record ModuleRef(String name, ModuleType type, String sha256, long size, Optional<String> sourceMapSha256) {
    public ModuleRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(sourceMapSha256, "sourceMapSha256");
    }

    /** A module without a source map. */
    public ModuleRef(String name, ModuleType type, String sha256, long size) {
        this(name, type, sha256, size, Optional.empty());
    }
}
