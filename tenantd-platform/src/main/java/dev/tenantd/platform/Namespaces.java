package dev.tenantd.platform;

import dev.tenantd.platform.store.Store;
import java.util.List;

/** Dispatch namespaces of an account: listed and read from the store, changed by commands that tell the directory. */
public final class Namespaces {
    private final Store store;
    private final Accounts accounts;
    private final Directory directory;
    /** What else goes with a script deleted with its namespace (its isolates, its tails). */
    private final java.util.function.Consumer<Script> scriptDeleted;

    Namespaces(Store store, Accounts accounts, Directory directory,
            java.util.function.Consumer<Script> scriptDeleted) {
        this.store = store;
        this.accounts = accounts;
        this.directory = directory;
        this.scriptDeleted = scriptDeleted;
    }

    public List<Namespace> list(String accountId) {
        accounts.account(accountId);
        return store.namespaces(accountId);
    }

    /**
     * A namespace as stored now. It is read from the store rather than the directory
     * because its script count changes with every script upload and delete.
     */
    public Namespace get(String accountId, String name) {
        accounts.account(accountId);
        return store.namespace(accountId, name).orElseThrow(() -> notFound(name));
    }

    static PlatformException notFound(String name) {
        return new PlatformException(Problem.NAMESPACE_NOT_FOUND,
                "Dispatch namespace '" + name + "' was not found in this account.");
    }

    public Namespace create(String accountId, String name) {
        accounts.account(accountId);
        Names.namespace(name);
        Namespace created = store.createNamespace(accountId, name).orElseThrow(() -> new PlatformException(
                Problem.NAMESPACE_EXISTS, "A dispatch namespace named '" + name + "' already exists."));
        directory.apply(new Change.Namespace(accountId, name, created.id()));
        return created;
    }

    public Namespace rename(String accountId, String name, String newName) {
        Namespace ns = get(accountId, name);
        Names.namespace(newName);
        if (newName.equals(name)) {
            return ns;
        }
        Namespace renamed = store.renameNamespace(ns.id(), newName).orElseThrow(() -> new PlatformException(
                Problem.NAMESPACE_EXISTS, "A dispatch namespace named '" + newName + "' already exists."));
        directory.apply(new Change.Namespace(accountId, name, ns.id()));
        directory.apply(new Change.Namespace(accountId, newName, ns.id()));
        return renamed;
    }

    /** Deletes the namespace with its user workers: their isolates close once idle, and their tails end. */
    public void delete(String accountId, String name) {
        Namespace ns = get(accountId, name);
        List<Script> scripts = store.scripts(accountId, ns.id());
        store.deleteNamespace(ns.id());
        directory.apply(new Change.NamespaceDeleted(accountId, name, ns.id()));
        scripts.forEach(scriptDeleted);
    }

    /** Replaces a namespace's egress policy; its user workers' next subrequests obey it. */
    public Namespace setEgress(String accountId, String name, EgressPolicy policy) {
        Namespace ns = get(accountId, name);
        Namespace updated = store.setNamespaceEgress(ns.id(), policy).orElseThrow();
        directory.apply(new Change.Namespace(accountId, name, ns.id()));
        return updated;
    }

    /**
     * Marks a namespace's workers as trusted ({@code trusted_workers: true}): they share one
     * cache space, {@code caches.default} included.
     */
    public Namespace trustWorkers(String accountId, String name) {
        return setTrustedWorkers(accountId, name, true);
    }

    /** Isolates a namespace's workers again ({@code trusted_workers: false}, the default): each has its own cache. */
    public Namespace isolateWorkers(String accountId, String name) {
        return setTrustedWorkers(accountId, name, false);
    }

    private Namespace setTrustedWorkers(String accountId, String name, boolean trusted) {
        Namespace ns = get(accountId, name);
        Namespace updated = store.setNamespaceTrustedWorkers(ns.id(), trusted).orElseThrow();
        directory.apply(new Change.Namespace(accountId, name, ns.id()));
        return updated;
    }

    /** The namespace a user worker is in. */
    public Namespace of(ScriptRef ref) {
        return store.namespaceById(ref.namespaceId()).orElseThrow(() -> new PlatformException(
                Problem.NAMESPACE_NOT_FOUND, "Dispatch namespace was not found."));
    }
}
