package dev.tenantd.runtime;

import java.util.Objects;

/** One module of a worker, identified by its file name. */
public record WorkerModule(String name, ModuleType type, byte[] content) {
    public WorkerModule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(content, "content");
    }
}
