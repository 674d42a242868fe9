package dev.tenantd.platform;

import java.util.List;

/** One immutable upload of a script. */
public record ScriptVersion(
        String id,
        String scriptId,
        int number,
        String mainModule,
        boolean serviceWorker,
        String compatibilityDate,
        List<String> compatibilityFlags,
        List<ModuleRef> modules,
        List<BindingSpec> bindings,
        ScriptLimits limits,
        EgressPolicy egress,
        String etag,
        long startupTimeMs,
        String createdOn) {

    public ScriptVersion {
        compatibilityFlags = List.copyOf(compatibilityFlags);
        modules = List.copyOf(modules);
        bindings = List.copyOf(bindings);
    }
}
