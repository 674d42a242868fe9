package dev.tenantd.platform;

import dev.tenantd.platform.store.Store;
import java.util.List;
import java.util.Optional;

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
        return create(accountId, name, EgressPolicy.OPEN, false);
    }

    /**
     * Creates a namespace with its egress policy and {@code trusted_workers} setting, as one
     * change: it never exists, not even for a moment, with other settings than these.
     */
    public Namespace create(String accountId, String name, EgressPolicy policy, boolean trusted) {
        accounts.account(accountId);
        Names.namespace(name);
        Namespace created = store.atomically(() -> {
            Namespace made = store.createNamespace(accountId, name).orElseThrow(() -> new PlatformException(
                    Problem.NAMESPACE_EXISTS, "A dispatch namespace named '" + name + "' already exists."));
            if (trusted) {
                made = store.setNamespaceTrustedWorkers(made.id(), true).orElseThrow();
            }
            return policy.isOpen() ? made : store.setNamespaceEgress(made.id(), policy).orElseThrow();
        });
        directory.apply(new Change.Namespace(accountId, name, created.id()));
        return created;
    }

    /**
     * Renames a namespace, replaces its egress policy and/or sets {@code trusted_workers}, as
     * one change: a failure of any part (the new name taken) leaves the namespace as it was.
     */
    public Namespace update(String accountId, String name, Optional<String> newName,
            Optional<EgressPolicy> policy, Optional<Boolean> trusted) {
        newName.ifPresent(Names::namespace);
        Namespace ns = get(accountId, name);
        Namespace updated = store.atomically(() -> {
            Namespace now = ns;
            if (newName.isPresent() && !newName.get().equals(name)) {
                now = store.renameNamespace(ns.id(), newName.get()).orElseThrow(() -> new PlatformException(
                        Problem.NAMESPACE_EXISTS, "A dispatch namespace named '" + newName.get() + "' already exists."));
            }
            if (policy.isPresent()) {
                now = store.setNamespaceEgress(ns.id(), policy.get()).orElseThrow(() -> notFound(name));
            }
            if (trusted.isPresent()) {
                now = store.setNamespaceTrustedWorkers(ns.id(), trusted.get()).orElseThrow(() -> notFound(name));
            }
            return now;
        });
        directory.apply(new Change.Namespace(accountId, name, ns.id()));
        if (!updated.name().equals(name)) {
            directory.apply(new Change.Namespace(accountId, updated.name(), ns.id()));
        }
        return updated;
    }

    /** Deletes the namespace with its user workers: their isolates close once idle, and their tails end. */
    public void delete(String accountId, String name) {
        Namespace ns = get(accountId, name);
        // The scripts read in the same change as the delete: one uploaded meanwhile goes with them.
        List<Script> scripts = store.atomically(() -> {
            List<Script> in = store.scripts(accountId, ns.id());
            store.deleteNamespace(ns.id());
            return in;
        });
        directory.apply(new Change.NamespaceDeleted(accountId, name, ns.id()));
        scripts.forEach(scriptDeleted);
    }

    /** The namespace a user worker is in. */
    public Namespace of(ScriptRef ref) {
        return store.namespaceById(ref.namespaceId()).orElseThrow(() -> new PlatformException(
                Problem.NAMESPACE_NOT_FOUND, "Dispatch namespace was not found."));
    }
}
