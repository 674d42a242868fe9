package dev.tenantd.platform;

import dev.tenantd.runtime.WorkerModule;
import java.util.List;
import java.util.Objects;

/** A script as uploaded, before validation: modules, entry point, compatibility and bindings. */
public record ScriptUpload(
        String mainModule,
        List<WorkerModule> modules,
        String compatibilityDate,
        List<String> compatibilityFlags,
        List<BindingSpec> bindings,
        ScriptLimits limits,
        EgressPolicy egress,
        List<String> tags) {

    public ScriptUpload {
        Objects.requireNonNull(mainModule, "mainModule");
        Objects.requireNonNull(compatibilityDate, "compatibilityDate");
        Objects.requireNonNull(limits, "limits");
        modules = List.copyOf(modules);
        compatibilityFlags = List.copyOf(compatibilityFlags);
        bindings = List.copyOf(bindings);
        tags = List.copyOf(tags);
    }

    public long totalSize() {
        return modules.stream().mapToLong(m -> m.content().length).sum();
    }
}
