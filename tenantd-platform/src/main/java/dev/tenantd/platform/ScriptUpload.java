package dev.tenantd.platform;

import dev.tenantd.runtime.WorkerModule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A script as uploaded, before validation: modules, entry point, compatibility and bindings.
 * {@code tailConsumers} replaces the script's Tail Workers when present, and leaves them
 * as they are when empty (an upload of the code alone).
 */
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
        boolean keepAssets,
        Optional<List<String>> tailConsumers) {

    /** Binding types a new version takes over from the current one: {@code keep_bindings: ["*"]} keeps them all. */
    public static final String KEEP_ALL = "*";

    public ScriptUpload(String mainModule, List<WorkerModule> modules, String compatibilityDate,
            List<String> compatibilityFlags, List<BindingSpec> bindings, ScriptLimits limits, EgressPolicy egress,
            List<String> tags) {
        this(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress, tags, List.of(),
                !tags.isEmpty(), null, false, Optional.of(List.of()));
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
        tailConsumers = tailConsumers.map(List::copyOf);
    }

    /** The same upload keeping bindings of these types, and the current assets, from the current version. */
    public ScriptUpload withKeptBindings(List<String> types) {
        return new ScriptUpload(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress,
                tags, types, hasTags, assets, true, tailConsumers);
    }

    /** The same upload leaving the script's Tail Workers as they are. */
    public ScriptUpload keepingTailConsumers() {
        return new ScriptUpload(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress,
                tags, keepBindings, hasTags, assets, keepAssets, Optional.empty());
    }

    public long totalSize() {
        return modules.stream().mapToLong(m -> m.content().length).sum();
    }
}
