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
        List<String> tags,
        List<String> keepBindings,
        boolean hasTags,
        com.fasterxml.jackson.databind.JsonNode assets,
        boolean keepAssets) {

    /** Binding types a new version takes over from the current one: {@code keep_bindings: ["*"]} keeps them all. */
    public static final String KEEP_ALL = "*";

    public ScriptUpload(String mainModule, List<WorkerModule> modules, String compatibilityDate,
            List<String> compatibilityFlags, List<BindingSpec> bindings, ScriptLimits limits, EgressPolicy egress,
            List<String> tags) {
        this(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress, tags, List.of(),
                !tags.isEmpty(), null, false);
    }

    public ScriptUpload {
        Objects.requireNonNull(mainModule, "mainModule");
        Objects.requireNonNull(compatibilityDate, "compatibilityDate");
        Objects.requireNonNull(limits, "limits");
        modules = List.copyOf(modules);
        compatibilityFlags = List.copyOf(compatibilityFlags);
        bindings = List.copyOf(bindings);
        tags = List.copyOf(tags);
        keepBindings = List.copyOf(keepBindings);
    }

    /** The same upload keeping bindings of these types, and the current assets, from the current version. */
    public ScriptUpload withKeptBindings(List<String> types) {
        return new ScriptUpload(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress,
                tags, types, hasTags, assets, true);
    }

    public long totalSize() {
        return modules.stream().mapToLong(m -> m.content().length).sum();
    }
}
