package dev.tenantd.platform.store;

import dev.tenantd.platform.Namespace;
import java.util.List;
import java.util.Optional;

/** Dispatch namespaces, as stored. Every method is atomic; names are unique per account. */
public interface NamespaceStore {
    List<Namespace> namespaces(String accountId);

    Optional<Namespace> namespace(String accountId, String name);

    Optional<Namespace> namespaceById(String namespaceId);

    /** Creates a namespace; empty if the name is taken. */
    Optional<Namespace> createNamespace(String accountId, String name);

    /** Renames a namespace; empty if the new name is taken. */
    Optional<Namespace> renameNamespace(String namespaceId, String newName);

    /** Replaces a namespace's egress policy. */
    Optional<Namespace> setNamespaceEgress(String namespaceId, dev.tenantd.platform.EgressPolicy policy);

    /** Sets whether a namespace's workers are trusted ({@code trusted_workers}). */
    Optional<Namespace> setNamespaceTrustedWorkers(String namespaceId, boolean trusted);

    /** Deletes a namespace and every script in it. */
    boolean deleteNamespace(String namespaceId);
}
