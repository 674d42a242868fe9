package dev.tenantd.store.sqlite;

import dev.tenantd.platform.kv.KvEntry;
import dev.tenantd.platform.kv.KvException;
import dev.tenantd.platform.kv.KvKey;
import dev.tenantd.platform.kv.KvNamespace;
import dev.tenantd.platform.kv.KvProblem;
import dev.tenantd.platform.kv.KvStore;
import dev.tenantd.platform.kv.KvWrite;
import dev.tenantd.runtime.TenantdException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * KV in its own SQLite database ({@code kv.sqlite}, WAL). One connection writes, one call
 * at a time (SQLite has one writer anyway); a few more read, concurrently with the writer
 * and with each other, so that reading a large value does not hold up other readers.
 */
public final class SqliteKvStore implements KvStore {
    private final SqliteConnections db;

    private SqliteKvStore(SqliteConnections db) {
        this.db = db;
    }

    /** Opens (creating and migrating if needed) {@code kv.sqlite} in a directory, with {@code readers} read connections. */
    public static SqliteKvStore open(Path dataDir, int readers) {
        try {
            SQLiteDataSource dataSource = SqliteFiles.kv(dataDir);
            return new SqliteKvStore(SqliteConnections.readingAndWriting(dataSource, readers, "KV database"));
        } catch (Exception e) {
            throw new TenantdException("cannot open the KV database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private <T> T read(SqliteConnections.Work<T> work) {
        return db.read(work);
    }

    private <T> T transaction(SqliteConnections.Work<T> work) {
        return db.transaction(work, SqliteKvStore::refusal);
    }

    /** The constraint violations that are answers, not failures. */
    private static Optional<RuntimeException> refusal(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            if (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                return Optional.of(new KvException(KvProblem.TITLE_EXISTS,
                        "a namespace with this account ID and title already exists"));
            }
            if (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY) {
                return Optional.of(new KvException(KvProblem.NAMESPACE_NOT_FOUND, "namespace not found"));
            }
        }
        return Optional.empty();
    }

    private static PreparedStatement prepare(Connection db, String sql, Object... params) throws SQLException {
        PreparedStatement st = db.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            st.setObject(i + 1, params[i]);
        }
        return st;
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    // ---- namespaces

    @Override
    public KvNamespace createNamespace(KvNamespace namespace, int maxPerAccount) {
        return transaction(db -> {
            try (PreparedStatement st = prepare(db, "SELECT COUNT(*) FROM kv_namespaces WHERE account_id = ?",
                    namespace.accountId()); ResultSet rs = st.executeQuery()) {
                if (rs.next() && rs.getLong(1) >= maxPerAccount) {
                    throw new KvException(KvProblem.TOO_MANY_NAMESPACES, "This account has " + rs.getLong(1)
                            + " KV namespaces, the most it may have ([kv] namespaces-per-account is " + maxPerAccount
                            + "); delete one first.");
                }
            }
            try (PreparedStatement st = prepare(db, "INSERT INTO kv_namespaces (id, account_id, title) VALUES (?, ?, ?)",
                    namespace.id(), namespace.accountId(), namespace.title())) {
                st.executeUpdate();
            }
            return namespace;
        });
    }

    @Override
    public List<KvNamespace> namespaces(String accountId) {
        return read(db -> {
            try (PreparedStatement st = prepare(db, "SELECT id, account_id, title FROM kv_namespaces WHERE account_id = ?"
                    + " ORDER BY title, id", accountId); ResultSet rs = st.executeQuery()) {
                List<KvNamespace> all = new ArrayList<>();
                while (rs.next()) {
                    all.add(new KvNamespace(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
                return all;
            }
        });
    }

    @Override
    public Optional<KvNamespace> namespace(String accountId, String namespaceId) {
        return read(db -> namespaceRow(db, accountId, namespaceId));
    }

    private static Optional<KvNamespace> namespaceRow(Connection db, String accountId, String namespaceId) throws SQLException {
        try (PreparedStatement st = prepare(db, "SELECT id, account_id, title FROM kv_namespaces WHERE account_id = ? AND id = ?",
                accountId, namespaceId); ResultSet rs = st.executeQuery()) {
            return rs.next() ? Optional.of(new KvNamespace(rs.getString(1), rs.getString(2), rs.getString(3))) : Optional.empty();
        }
    }

    @Override
    public Optional<KvNamespace> renameNamespace(String accountId, String namespaceId, String title) {
        return transaction(db -> {
            try (PreparedStatement st = prepare(db, "UPDATE kv_namespaces SET title = ? WHERE account_id = ? AND id = ?",
                    title, accountId, namespaceId)) {
                st.executeUpdate();
            }
            return namespaceRow(db, accountId, namespaceId);
        });
    }

    @Override
    public boolean deleteNamespace(String accountId, String namespaceId) {
        if (read(db -> namespaceRow(db, accountId, namespaceId)).isEmpty()) {
            return false;
        }
        // A namespace of millions of keys goes a batch at a time, each a transaction of its own:
        // one transaction for all of it would hold the writer that every tenant's KV writes wait for.
        String someKeys = " FROM kv_entries WHERE namespace_id = ? AND key IN (SELECT key FROM kv_entries WHERE namespace_id = ?"
                + " LIMIT " + BATCH + ")";
        while (transaction(db -> {
            // Its size goes down with its keys, so that a deletion cut short leaves it counted right.
            try (PreparedStatement st = prepare(db, "SELECT COALESCE(SUM(" + ENTRY_BYTES + "), 0)" + someKeys, namespaceId,
                    namespaceId); ResultSet rs = st.executeQuery()) {
                addBytes(db, namespaceId, rs.next() ? -rs.getLong(1) : 0);
            }
            try (PreparedStatement st = prepare(db, "DELETE" + someKeys, namespaceId, namespaceId)) {
                return st.executeUpdate();
            }
        }) == BATCH) {
            betweenBatches.run();
        }
        return transaction(db -> {
            try (PreparedStatement st = prepare(db, "DELETE FROM kv_namespaces WHERE account_id = ? AND id = ?",
                    accountId, namespaceId)) {
                return st.executeUpdate() > 0;
            }
        });
    }

    // ---- entries

    @Override
    public Optional<KvEntry> get(String namespaceId, String key, long now) {
        return read(db -> {
            try (PreparedStatement st = prepare(db, "SELECT value, metadata, expiration FROM kv_entries"
                    + " WHERE namespace_id = ? AND key = ? AND (expiration IS NULL OR expiration > ?)",
                    namespaceId, bytes(key), now); ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] value = rs.getBytes(1);
                return Optional.of(new KvEntry(key, value == null ? new byte[0] : value,
                        Optional.ofNullable(rs.getString(2)), expiration(rs, 3)));
            }
        });
    }

    private static OptionalLong expiration(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /**
     * An entry's size as {@link KvStore#namespaceBytes} counts it, in SQL. {@code octet_length}
     * reads each column's size from the row's header, never the value itself (25 MiB at most).
     */
    private static final String ENTRY_BYTES = "octet_length(key) + octet_length(value) + COALESCE(octet_length(metadata), 0) + "
            + KvStore.ENTRY_OVERHEAD_BYTES;

    @Override
    public void put(String namespaceId, List<KvWrite> writes, long maxNamespaceBytes) {
        transaction(db -> {
            // What the batch adds, the last write of a key winning, checked before anything is written.
            // Keys are told apart as they are stored, by their UTF-8 bytes: two strings of one
            // encoding (a lone surrogate is written as '?') are one row, whose old size counts once.
            java.util.Map<java.nio.ByteBuffer, Long> sizes = new java.util.LinkedHashMap<>();
            for (KvWrite w : writes) {
                sizes.put(java.nio.ByteBuffer.wrap(bytes(w.key())), KvStore.entryBytes(w));
            }
            long grown = 0;
            try (PreparedStatement old = db.prepareStatement("SELECT " + ENTRY_BYTES + " FROM kv_entries"
                    + " WHERE namespace_id = ? AND key = ?")) {
                for (java.util.Map.Entry<java.nio.ByteBuffer, Long> e : sizes.entrySet()) {
                    old.setString(1, namespaceId);
                    old.setBytes(2, e.getKey().array());
                    try (ResultSet rs = old.executeQuery()) {
                        grown += e.getValue() - (rs.next() ? rs.getLong(1) : 0);
                    }
                }
            }
            long used = namespaceBytes(db, namespaceId);
            if (grown > 0 && used + grown > maxNamespaceBytes) {
                throw new KvException(KvProblem.NAMESPACE_FULL, "The namespace is full: its entries would take "
                        + (used + grown) + " bytes, over its limit of " + maxNamespaceBytes + " bytes (keys, values and "
                        + "metadata, and " + KvStore.ENTRY_OVERHEAD_BYTES + " bytes per key for storing it). Delete keys, "
                        + "or ask the operator to raise [kv] namespace-mb.");
            }
            try (PreparedStatement st = db.prepareStatement("INSERT INTO kv_entries (namespace_id, key, value, metadata, expiration)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace_id, key) DO UPDATE SET value = excluded.value,"
                    + " metadata = excluded.metadata, expiration = excluded.expiration")) {
                for (KvWrite w : writes) {
                    st.setString(1, namespaceId);
                    st.setBytes(2, bytes(w.key()));
                    st.setBytes(3, w.value());
                    if (w.metadata().isPresent()) {
                        st.setString(4, w.metadata().get());
                    } else {
                        st.setNull(4, Types.VARCHAR);
                    }
                    if (w.expiration().isPresent()) {
                        st.setLong(5, w.expiration().getAsLong());
                    } else {
                        st.setNull(5, Types.INTEGER);
                    }
                    st.executeUpdate();
                }
            }
            addBytes(db, namespaceId, grown);
            return null;
        });
    }

    @Override
    public long namespaceBytes(String namespaceId) {
        return read(db -> namespaceBytes(db, namespaceId));
    }

    private static long namespaceBytes(Connection db, String namespaceId) throws SQLException {
        try (PreparedStatement st = prepare(db, "SELECT bytes FROM kv_namespaces WHERE id = ?", namespaceId);
                ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void addBytes(Connection db, String namespaceId, long bytes) throws SQLException {
        if (bytes != 0) {
            try (PreparedStatement st = prepare(db, "UPDATE kv_namespaces SET bytes = bytes + ? WHERE id = ?", bytes, namespaceId)) {
                st.executeUpdate();
            }
        }
    }

    @Override
    public int delete(String namespaceId, Collection<String> keys) {
        return transaction(db -> {
            int deleted = 0;
            long freed = 0;
            try (PreparedStatement size = db.prepareStatement("SELECT " + ENTRY_BYTES + " FROM kv_entries"
                    + " WHERE namespace_id = ? AND key = ?");
                    PreparedStatement st = db.prepareStatement("DELETE FROM kv_entries WHERE namespace_id = ? AND key = ?")) {
                for (String key : keys) {
                    size.setString(1, namespaceId);
                    size.setBytes(2, bytes(key));
                    try (ResultSet rs = size.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        freed += rs.getLong(1);
                    }
                    st.setString(1, namespaceId);
                    st.setBytes(2, bytes(key));
                    deleted += st.executeUpdate();
                }
            }
            addBytes(db, namespaceId, -freed);
            return deleted;
        });
    }

    @Override
    public List<KvKey> list(String namespaceId, String prefix, Optional<String> after, int limit, long now) {
        byte[] prefixBytes = bytes(prefix);
        // Start after the cursor's key when it lies within the prefix's range, else at the prefix.
        Optional<byte[]> afterBytes = after.map(SqliteKvStore::bytes).filter(a -> Arrays.compareUnsigned(a, prefixBytes) >= 0);
        byte[] from = afterBytes.orElse(prefixBytes);
        String comparison = afterBytes.isPresent() ? ">" : ">=";
        // Keys with the prefix lie below the first key past all of them, so the index scan stops
        // there: a prefix that matches nothing reads nothing, however many keys follow it.
        Optional<byte[]> pastPrefix = pastPrefix(prefixBytes);
        Object[] params = pastPrefix.isPresent()
                ? new Object[] {namespaceId, from, pastPrefix.get(), prefixBytes.length, prefixBytes, now, limit}
                : new Object[] {namespaceId, from, prefixBytes.length, prefixBytes, now, limit};
        return read(db -> {
            try (PreparedStatement st = prepare(db, "SELECT key, metadata, expiration FROM kv_entries"
                    + " WHERE namespace_id = ? AND key " + comparison + " ?" + (pastPrefix.isPresent() ? " AND key < ?" : "")
                    + " AND substr(key, 1, ?) = ? AND (expiration IS NULL OR expiration > ?) ORDER BY key LIMIT ?",
                    params); ResultSet rs = st.executeQuery()) {
                List<KvKey> keys = new ArrayList<>();
                while (rs.next()) {
                    keys.add(new KvKey(new String(rs.getBytes(1), StandardCharsets.UTF_8), Optional.ofNullable(rs.getString(2)),
                            expiration(rs, 3)));
                }
                return keys;
            }
        });
    }

    /**
     * The least byte string above every string that starts with {@code prefix}: the prefix up to
     * its last byte below 0xFF, that byte one higher. None for an empty prefix or one of 0xFF bytes only.
     */
    static Optional<byte[]> pastPrefix(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] past = Arrays.copyOf(prefix, i + 1);
                past[i]++;
                return Optional.of(past);
            }
        }
        return Optional.empty();
    }

    @Override
    public int purgeExpired(long now) {
        // A batch at a time, each a transaction of its own, so that other writes get the writer
        // in between however many keys expired at once.
        int purged = 0;
        while (true) {
            int batch = transaction(db -> purgeBatch(db, now));
            purged += batch;
            if (batch < BATCH) {
                return purged;
            }
            betweenBatches.run();
        }
    }

    /** Up to {@link #BATCH} expired entries, found through the expiration index, and their bytes off their namespaces. */
    private static int purgeBatch(Connection db, long now) throws SQLException {
        java.util.Map<String, Long> freed = new java.util.HashMap<>();
        List<Object[]> gone = new ArrayList<>();
        try (PreparedStatement st = prepare(db, "SELECT namespace_id, key, " + ENTRY_BYTES + " FROM kv_entries"
                + " INDEXED BY kv_entries_expiration WHERE expiration IS NOT NULL AND expiration <= ? LIMIT " + BATCH, now);
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                gone.add(new Object[] {rs.getString(1), rs.getBytes(2)});
                freed.merge(rs.getString(1), rs.getLong(3), Long::sum);
            }
        }
        try (PreparedStatement st = db.prepareStatement("DELETE FROM kv_entries WHERE namespace_id = ? AND key = ?")) {
            for (Object[] entry : gone) {
                st.setObject(1, entry[0]);
                st.setObject(2, entry[1]);
                st.addBatch();
            }
            st.executeBatch();
        }
        for (java.util.Map.Entry<String, Long> e : freed.entrySet()) {
            addBytes(db, e.getKey(), -e.getValue());
        }
        return gone.size();
    }

    /** Entries deleted per transaction when a namespace goes or expired keys are purged. */
    static final int BATCH = 1_000;
    /** Run between two batches of a deletion (tests: another write gets the writer there). */
    private Runnable betweenBatches = () -> {
    };

    /** For tests: what a namespace's entries take, counted afresh rather than read from its row. */
    long recountedBytes(String namespaceId) {
        return read(db -> {
            try (PreparedStatement st = prepare(db, "SELECT COALESCE(SUM(" + ENTRY_BYTES + "), 0) FROM kv_entries"
                    + " WHERE namespace_id = ?", namespaceId); ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        });
    }

    /** For tests: {@code hook} runs between two batches of a deletion. */
    void betweenBatches(Runnable hook) {
        this.betweenBatches = hook;
    }

    @Override
    public void close() {
        db.close();
    }
}
