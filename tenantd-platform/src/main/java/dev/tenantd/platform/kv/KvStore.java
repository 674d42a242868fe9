package dev.tenantd.platform.kv;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where KV namespaces and their entries live. Calls block; {@link KvService} makes them on
 * its own executor. Values arrive checked: a store enforces only what the database can
 * (unique titles per account, entries only in existing namespaces, all-or-nothing batches).
 * Time is passed in, as seconds since the epoch, so that a store never reads a clock: an
 * entry whose expiration is at or before {@code now} does not exist.
 *
 * <p>Keys are ordered by their UTF-8 bytes. Every implementation passes the same contract
 * test (the abstract {@code KvStoreContract}).
 */
public interface KvStore extends AutoCloseable {

    /**
     * Creates a namespace; a {@link KvException} of {@link KvProblem#TITLE_EXISTS} when the account
     * has that title, or of {@link KvProblem#TOO_MANY_NAMESPACES} when it has {@code maxPerAccount}
     * namespaces already (counted in the same transaction, so that creations at once cannot pass it).
     */
    KvNamespace createNamespace(KvNamespace namespace, int maxPerAccount);

    /** Creates a namespace with no limit on the account's number of them. */
    default KvNamespace createNamespace(KvNamespace namespace) {
        return createNamespace(namespace, Integer.MAX_VALUE);
    }

    /** The account's namespaces, by title. */
    List<KvNamespace> namespaces(String accountId);

    Optional<KvNamespace> namespace(String accountId, String namespaceId);

    /** Renames a namespace; empty when the account has no such namespace, {@link KvProblem#TITLE_EXISTS} as for create. */
    Optional<KvNamespace> renameNamespace(String accountId, String namespaceId, String title);

    /** Deletes a namespace and all its entries; false when the account has no such namespace. */
    boolean deleteNamespace(String accountId, String namespaceId);

    Optional<KvEntry> get(String namespaceId, String key, long now);

    /**
     * What storing an entry costs besides its key, value and metadata (its namespace, its
     * row and index entries), counted with each entry so that a namespace of many small keys
     * cannot take many times its limit on disk.
     */
    long ENTRY_OVERHEAD_BYTES = 128;

    /** What an entry counts against its namespace's limit. */
    static long entryBytes(KvWrite write) {
        return write.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + (long) write.value().length
                + write.metadata().map(m -> (long) m.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).orElse(0L)
                + ENTRY_OVERHEAD_BYTES;
    }

    /**
     * Writes all entries or none (a later entry of one key wins over an earlier one);
     * {@link KvProblem#NAMESPACE_NOT_FOUND} when the namespace is gone, and
     * {@link KvProblem#NAMESPACE_FULL} when the writes together would take the namespace's
     * entries ({@link #entryBytes} each, expired ones not yet removed included) past
     * {@code maxNamespaceBytes}; nothing is written then. Writes that do not grow the
     * namespace are never refused.
     */
    void put(String namespaceId, List<KvWrite> writes, long maxNamespaceBytes);

    /** What a namespace's entries count against its limit ({@link #entryBytes} each); 0 for a namespace that does not exist. */
    long namespaceBytes(String namespaceId);

    /** Deletes the keys that exist, all in one transaction; returns how many existed. */
    int delete(String namespaceId, Collection<String> keys);

    /**
     * Up to {@code limit} live keys that start with {@code prefix} and sort after
     * {@code after} (when given), in key order.
     */
    List<KvKey> list(String namespaceId, String prefix, Optional<String> after, int limit, long now);

    /** Removes every entry that expired at or before {@code now}; returns how many. */
    int purgeExpired(long now);

    @Override
    void close();
}
