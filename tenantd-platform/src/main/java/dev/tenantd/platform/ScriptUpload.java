package dev.tenantd.platform;

import dev.tenantd.runtime.WorkerModule;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A script as uploaded, before validation: modules, entry point, compatibility and bindings.
 * {@code tailConsumers} replaces the script's Tail Workers when present, and leaves them
 * as they are when empty (an upload of the code alone); {@code observability} likewise replaces
 * the script's observability settings. Both are the script's, so they change only with an upload
 * that is deployed.
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
        Optional<List<String>> tailConsumers,
        Map<String, byte[]> sourceMaps,
        Optional<com.fasterxml.jackson.databind.JsonNode> observability) {

    /** Binding types a new version takes over from the current one: {@code keep_bindings: ["*"]} keeps them all. */
    public static final String KEEP_ALL = "*";

    public ScriptUpload(String mainModule, List<WorkerModule> modules, String compatibilityDate,
            List<String> compatibilityFlags, List<BindingSpec> bindings, ScriptLimits limits, EgressPolicy egress,
            List<String> tags) {
        this(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress, tags, List.of(),
                !tags.isEmpty(), null, false, Optional.of(List.of()), Map.of(), Optional.empty());
    }

    /** An upload without source maps. */
    public ScriptUpload(String mainModule, List<WorkerModule> modules, String compatibilityDate,
            List<String> compatibilityFlags, List<BindingSpec> bindings, ScriptLimits limits, EgressPolicy egress,
            List<String> tags, List<String> keepBindings, boolean hasTags, com.fasterxml.jackson.databind.JsonNode assets,
            boolean keepAssets, Optional<List<String>> tailConsumers) {
        this(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress, tags, keepBindings,
                hasTags, assets, keepAssets, tailConsumers, Map.of(), Optional.empty());
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
        sourceMaps = Map.copyOf(sourceMaps);
        observability = observability.map(com.fasterxml.jackson.databind.JsonNode::deepCopy);
    }

    /** The same upload keeping bindings of these types, and the current assets, from the current version. */
    public ScriptUpload withKeptBindings(List<String> types) {
        return new ScriptUpload(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress,
                tags, types, hasTags, assets, true, tailConsumers, sourceMaps, observability);
    }

    /** The same upload leaving the script's Tail Workers as they are. */
    public ScriptUpload keepingTailConsumers() {
        return new ScriptUpload(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress,
                tags, keepBindings, hasTags, assets, keepAssets, Optional.empty(), sourceMaps, observability);
    }

    /**
     * The same upload with source maps, by the name of the module each maps: see
     * {@link dev.tenantd.platform.sourcemap.SourceMapLinks}.
     */
    public ScriptUpload withSourceMaps(Map<String, byte[]> maps) {
        return new ScriptUpload(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress,
                tags, keepBindings, hasTags, assets, keepAssets, tailConsumers, maps, observability);
    }

    /** The same upload replacing the script's observability settings with {@code settings}. */
    public ScriptUpload withObservability(com.fasterxml.jackson.databind.JsonNode settings) {
        return new ScriptUpload(mainModule, modules, compatibilityDate, compatibilityFlags, bindings, limits, egress,
                tags, keepBindings, hasTags, assets, keepAssets, tailConsumers, sourceMaps, Optional.of(settings));
    }

    /** What counts toward the script size limit: the modules and their source maps. */
    public long totalSize() {
        return modules.stream().mapToLong(m -> m.content().length).sum()
                + sourceMaps.values().stream().mapToLong(m -> m.length).sum();
    }
}
