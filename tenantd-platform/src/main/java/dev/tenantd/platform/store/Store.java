package dev.tenantd.platform.store;

import dev.tenantd.platform.Account;
import dev.tenantd.platform.Deployment;
import dev.tenantd.platform.Namespace;
import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import java.util.List;
import java.util.Optional;

/**
 * The platform's durable state. Implementations make every method atomic; the
 * platform serializes writes to one script itself. Timestamps are RFC 3339 UTC.
 */
public interface Store extends AutoCloseable {

    // accounts and tokens

    Account ensureAccount(String id, String name);

    Optional<Account> account(String id);

    List<Account> accounts();

    /** Stores an API token (by its SHA-256) for an account, replacing one with the same hash. */
    void putToken(String accountId, String tokenSha256, String name);

    /** The account a token belongs to. */
    Optional<String> tokenAccount(String tokenSha256);

    // dispatch namespaces

    List<Namespace> namespaces(String accountId);

    Optional<Namespace> namespace(String accountId, String name);

    Optional<Namespace> namespaceById(String namespaceId);

    /** Creates a namespace; empty if the name is taken. */
    Optional<Namespace> createNamespace(String accountId, String name);

    /** Renames a namespace; empty if the new name is taken. */
    Optional<Namespace> renameNamespace(String namespaceId, String newName);

    /** Replaces a namespace's egress policy. */
    Optional<Namespace> setNamespaceEgress(String namespaceId, dev.tenantd.platform.EgressPolicy policy);

    /** Deletes a namespace and every script in it. */
    boolean deleteNamespace(String namespaceId);

    // scripts and versions

    Optional<Script> script(ScriptRef ref);

    List<Script> scripts(String accountId, String namespaceId);

    /**
     * Saves a new version; with a deployment, makes that deployment active. A script
     * that does not exist yet is created, and then needs the deployment.
     */
    Script saveVersion(ScriptRef ref, ScriptVersion version, Optional<Deployment> deployment);

    /** Makes a deployment of existing versions of the script active. */
    Script deploy(ScriptRef ref, Deployment deployment);

    /** The highest version number a script has used, 0 if it has none. */
    int latestVersionNumber(ScriptRef ref);

    /** Every version of a script, newest first. */
    List<ScriptVersion> versions(ScriptRef ref);

    /** Every deployment of a script, newest (the active one) first. */
    List<Deployment> deployments(ScriptRef ref);

    Script setTags(ScriptRef ref, List<String> tags);

    /** The blob (SHA-256) holding a script's static asset with this hash, if uploaded. */
    Optional<String> assetBlob(ScriptRef ref, String hash);

    void putAsset(ScriptRef ref, String hash, String sha256, long size);

    /** Replaces the script-level settings (a JSON object). */
    Script setSettings(ScriptRef ref, String settingsJson);

    Optional<ScriptVersion> version(String versionId);

    boolean deleteScript(ScriptRef ref);

    @Override
    void close();
}
