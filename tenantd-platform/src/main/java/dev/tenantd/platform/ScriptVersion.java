package dev.tenantd.platform;

import java.util.List;

/**
 * One immutable version of a script. {@code source} says what made it, in
 * Cloudflare's terms: {@code wrangler} or {@code api}. {@code assetsId} names the manifest of
 * its static assets in the store ({@link dev.tenantd.platform.store.ScriptStore#assetManifest}),
 * empty for none: the manifest itself (up to 100,000 files) is read only where a site is served.
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
        String assetsId) {

    public ScriptVersion {
        compatibilityFlags = List.copyOf(compatibilityFlags);
        modules = List.copyOf(modules);
        bindings = List.copyOf(bindings);
    }

    /** Whether the version has static assets. */
    public boolean hasAssets() {
        return !assetsId.isEmpty();
    }
}
