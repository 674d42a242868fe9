package dev.tenantd.platform;

import java.util.List;

/**
 * One immutable version of a script. {@code source} says what made it, in
 * Cloudflare's terms: {@code wrangler} or {@code api}. {@code assets} is the JSON
 * of its static assets ({@code {"manifest": {...}, "config": {...}}}), {@code {}} for none.
 */
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
        String createdOn,
        String source,
        String assets) {

    public ScriptVersion {
        compatibilityFlags = List.copyOf(compatibilityFlags);
        modules = List.copyOf(modules);
        bindings = List.copyOf(bindings);
    }
}
