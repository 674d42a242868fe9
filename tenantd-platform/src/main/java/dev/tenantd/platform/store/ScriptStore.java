package dev.tenantd.platform.store;

import dev.tenantd.platform.Deployment;
import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Scripts with their versions, deployments, tags, settings and asset index, as stored.
 * Every method is atomic.
 */
public interface ScriptStore {
    Optional<Script> script(ScriptRef ref);

    List<Script> scripts(String accountId, String namespaceId);

    /**
     * The scripts of a namespace that match a query, one window of them, and how many match
     * in all. A store should answer from an index; this default filters the whole list.
     */
    default ScriptPage scripts(String accountId, String namespaceId, ScriptQuery query) {
        List<Script> matching = scripts(accountId, namespaceId).stream().filter(query::matches).toList();
        int from = Math.min(query.offset(), matching.size());
        int to = (int) Math.min(matching.size(), (long) from + query.limit());
        return new ScriptPage(matching.subList(from, to), matching.size());
    }

    /**
     * Saves a new version; with a deployment, makes that deployment active. A script
     * that does not exist yet is created, and then needs the deployment.
     */
    Script saveVersion(ScriptRef ref, ScriptVersion version, Optional<Deployment> deployment);

    /**
     * How many of a script's newest versions, and of its newest deployments, are kept (as on
     * Workers, whose rollbacks reach the 100 most recent versions); the versions a kept
     * deployment names are kept too. Older ones are removed as new ones are saved.
     */
    int KEPT_VERSIONS = 100;

    /** Makes a deployment of existing versions of the script active. */
    Script deploy(ScriptRef ref, Deployment deployment);

    /** The highest version number a script has used, 0 if it has none. */
    int latestVersionNumber(ScriptRef ref);

    /** Every version of a script, newest first. */
    default List<ScriptVersion> versions(ScriptRef ref) {
        return versions(ref, 0, Integer.MAX_VALUE).versions();
    }

    /**
     * At most {@code limit} of a script's versions, newest first, after skipping {@code offset},
     * and how many it has: a listing reads only the versions it shows.
     */
    VersionPage versions(ScriptRef ref, int offset, int limit);

    /** One window of a script's versions and their total. */
    record VersionPage(List<ScriptVersion> versions, int total) {
    }

    /** Every deployment of a script, newest (the active one) first. */
    List<Deployment> deployments(ScriptRef ref);

    Script setTags(ScriptRef ref, List<String> tags);

    /**
     * Stores the manifest of a version's static assets ({@code {"manifest": {"/path": {"hash",
     * "size", "sha256"}}, "config": {...}}}) and returns its id, which the version names; the
     * same manifest stored again has the same id. A manifest no version names is removed by
     * {@link #dropUnusedAssets} once it was last stored before that call's time.
     */
    String saveAssetManifest(String json);

    /** The manifest with this id, if it is stored. */
    Optional<String> assetManifest(String id);

    /** The blob (SHA-256) holding a script's static asset with this hash, if uploaded. */
    Optional<String> assetBlob(ScriptRef ref, String hash);

    /** Records that a script has the asset with this hash in the blob {@code sha256}; marks it used now. */
    void putAsset(ScriptRef ref, String hash, String sha256, long size);

    /**
     * Marks the script's assets with these hashes used now (an upload session named them), so
     * that {@link #dropUnusedAssets} keeps them while the session may still complete.
     */
    void touchAssets(ScriptRef ref, Collection<String> hashes);

    /**
     * Removes the asset records last used before {@code usedBefore} (epoch milliseconds) whose
     * blob no version of their script serves, and the manifests no version names that were last
     * stored before then; returns how many asset records went. A later upload session asks for
     * such a file again.
     */
    int dropUnusedAssets(long usedBefore);

    /**
     * Gives every blob hash that something stored refers to: versions' modules and source
     * maps, the files of stored asset manifests, and asset records. A hash may come more than once. Reads
     * without holding up the store's other calls.
     */
    void referencedBlobs(Consumer<String> sha256);

    /** Replaces the script-level settings (a JSON object). */
    Script setSettings(ScriptRef ref, String settingsJson);

    Optional<ScriptVersion> version(String versionId);

    boolean deleteScript(ScriptRef ref);
}
