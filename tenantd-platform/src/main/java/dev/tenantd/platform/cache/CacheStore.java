package dev.tenantd.platform.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.runtime.TenantdException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cached responses on disk: an SQLite index ({@code index.sqlite}: key, expiry, size, last
 * use, status and headers) and one file per body under {@code bodies/}. Bodies live in files
 * rather than in the index: from a few hundred KiB up, writing, reading and deleting a body
 * as a blob costs several times what a file does, and the pages a deleted blob frees stay
 * in the database file until it is vacuumed, where removing a file gives its space back at once. A body is written in full before its row
 * points at it; files no row names (left by a crash) are removed when the store opens.
 *
 * <p>Index calls are serialized by a fair lock; bodies are read, and deleted, outside it. An
 * eviction takes the lock a batch of rows at a time, so a get waits for one batch, not for all
 * of a large eviction. Blocking: callers run it on the cache's own threads ({@link CacheService}).
 */
final class CacheStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What an entry's row (in the table and its three indexes) and its body's file take beyond their bytes. */
    static final long ENTRY_OVERHEAD_BYTES = 512;
    /** A body file takes whole blocks of the file system. */
    static final int BLOCK_BYTES = 4096;
    /** How many rows one eviction transaction deletes at most. */
    static final int EVICTION_BATCH = 256;

    private final ReentrantLock lock = new ReentrantLock(true);
    /** Told how many entries each eviction batch removed, after it let the lock go; for tests. */
    private volatile IntConsumer betweenBatches = n -> { };

    private final Path bodies;
    private final Connection db;
    private final long maxTotalBytes;
    private final long maxOwnerBytes;
    private long totalBytes;
    /** What each owner's entries take ({@link CacheKey#scope()}: a worker, a namespace or an account). */
    private final Map<String, Long> ownerBytes;
    private long lastUse;

    /** Tests: {@code hook} runs after each eviction batch, with the lock let go. */
    void betweenEvictionBatches(IntConsumer hook) {
        this.betweenBatches = hook;
    }

    private CacheStore(Path bodies, Connection db, long maxTotalBytes, long maxOwnerBytes, Map<String, Long> ownerBytes,
            long lastUse) {
        this.bodies = bodies;
        this.db = db;
        this.maxTotalBytes = maxTotalBytes;
        this.maxOwnerBytes = maxOwnerBytes;
        this.ownerBytes = ownerBytes;
        this.totalBytes = ownerBytes.values().stream().mapToLong(Long::longValue).sum();
        this.lastUse = lastUse;
    }

    /** Opens (creating if needed) the cache in {@code dir}, holding at most {@code maxTotalBytes}, with no owner's share. */
    static CacheStore open(Path dir, long maxTotalBytes) {
        return open(dir, maxTotalBytes, Long.MAX_VALUE);
    }

    /**
     * Opens (creating if needed) the cache in {@code dir}, holding at most {@code maxTotalBytes}.
     * While the total is over that, an owner (a {@link CacheKey#scope()}) over
     * {@code maxOwnerBytes} loses its own least recently used entries before anyone else's:
     * when it puts one more (a batch at once), and first when the cache is evicted.
     */
    static CacheStore open(Path dir, long maxTotalBytes, long maxOwnerBytes) {
        try {
            Path bodies = dir.resolve("bodies");
            Files.createDirectories(bodies);
            dev.tenantd.platform.store.OwnerOnlyFiles.ensure(dir.resolve("index.sqlite"));
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("index.sqlite").toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE IF NOT EXISTS entries (scope TEXT NOT NULL, cache TEXT NOT NULL, url TEXT NOT NULL,"
                        + " file TEXT NOT NULL, size INTEGER NOT NULL, expires INTEGER NOT NULL, last_use INTEGER NOT NULL,"
                        + " meta TEXT NOT NULL, PRIMARY KEY (scope, cache, url))");
                s.execute("CREATE INDEX IF NOT EXISTS entries_by_use ON entries (last_use)");
                s.execute("CREATE INDEX IF NOT EXISTS entries_by_expiry ON entries (expires)");
                s.execute("CREATE INDEX IF NOT EXISTS entries_by_owner_use ON entries (scope, last_use)");
                countBlocksAndRows(s);
            }
            long use;
            Map<String, Long> owners = owners(db);
            Set<String> files = new HashSet<>();
            try (Statement s = db.createStatement();
                    ResultSet r = s.executeQuery("SELECT COALESCE(MAX(last_use), 0) FROM entries");
                    Statement f = db.createStatement();
                    ResultSet names = f.executeQuery("SELECT file FROM entries")) {
                use = r.getLong(1);
                while (names.next()) {
                    files.add(names.getString(1));
                }
            }
            try (Stream<Path> all = Files.list(bodies)) {
                for (Path p : all.toList()) {
                    if (!files.contains(p.getFileName().toString())) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            return new CacheStore(bodies, db, maxTotalBytes, maxOwnerBytes, owners, use);
        } catch (SQLException | IOException e) {
            throw new TenantdException("cannot open the cache in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Brings the sizes of rows stored before entries counted their blocks and their key as the
     * indexes hold it ({@code user_version} 0) to {@link #cost}, with at most one block too many.
     */
    private static void countBlocksAndRows(Statement s) throws SQLException {
        int version;
        try (ResultSet v = s.executeQuery("PRAGMA user_version")) {
            version = v.getInt(1);
        }
        if (version >= 1) {
            return;
        }
        s.execute("BEGIN IMMEDIATE");
        try {
            s.execute("UPDATE entries SET size = size + " + (BLOCK_BYTES + ENTRY_OVERHEAD_BYTES)
                    + " + length(CAST(url AS BLOB)) + length(CAST(cache AS BLOB)) + 3 * length(CAST(scope AS BLOB))");
            s.execute("PRAGMA user_version = 1");
            s.execute("COMMIT");
        } catch (SQLException e) {
            s.execute("ROLLBACK");
            throw e;
        }
    }

    /**
     * Stores {@code entry} under {@code key}, replacing what was there. When that takes its
     * owner past its share of a full cache, up to one batch of the owner's least recently used
     * entries go at once; the rest is for {@link #evict} (the store is then {@link #overCap}),
     * so that a put holds a cache thread for one batch, not for a whole eviction.
     */
    void put(CacheKey key, CachedResponse entry) {
        long expires = entry.expires().toEpochMilli(); // before anything is written: it may not fit
        // The body's length is in its file's name: a body cut short is told apart (see get).
        String file = UUID.randomUUID().toString().replace("-", "") + "-" + entry.body().length;
        Path tmp = bodies.resolve(file + ".tmp");
        try {
            Files.write(tmp, entry.body());
            Files.move(tmp, bodies.resolve(file), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write a cached body", e);
        }
        String meta = meta(entry);
        long size = cost(key, meta, entry.body().length);
        Optional<String> replaced = Optional.empty();
        boolean indexed = false;
        boolean overShare;
        lock.lock();
        try {
            replaced = remove(key);
            sql("INSERT INTO entries (scope, cache, url, file, size, expires, last_use, meta) VALUES (?,?,?,?,?,?,?,?)",
                    key.scope(), key.cache(), key.url(), file, size, expires, ++lastUse, meta);
            counted(key.scope(), size);
            indexed = true;
            overShare = overShare(key.scope());
        } finally {
            lock.unlock();
            // A body the index does not name would count toward no cap and never be evicted.
            replaced.ifPresent(old -> deleteQuietly(bodies.resolve(old)));
            if (!indexed) {
                deleteQuietly(bodies.resolve(file));
            }
        }
        if (!overShare) {
            return;
        }
        try {
            evictOwner(key.scope(), 1);
        } catch (TenantdException e) {
            // The entry is stored; the next background eviction takes what this one left.
            LOG.warn("cache eviction after a put failed: {}", e.toString());
        }
    }

    /**
     * What an entry takes on disk, as counted toward the caps: its body in whole file-system
     * blocks (one at least), its headers, its key as the table and its indexes hold it (URL and
     * cache name twice, the owner three times), and {@link #ENTRY_OVERHEAD_BYTES} for its row and
     * file. Without the blocks and the overhead, a million entries of one byte, or of none, would
     * count as a few megabytes.
     */
    static long cost(CacheKey key, String meta, int bodyLength) {
        long blocks = Math.max(1, (bodyLength + (long) BLOCK_BYTES - 1) / BLOCK_BYTES);
        return blocks * BLOCK_BYTES + utf8(meta) + 2L * (utf8(key.url()) + utf8(key.cache())) + 3L * utf8(key.scope())
                + ENTRY_OVERHEAD_BYTES;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@link #cost(CacheKey, String, int)} of {@code entry} stored under {@code key}. */
    static long cost(CacheKey key, CachedResponse entry) {
        return cost(key, meta(entry), entry.body().length);
    }

    /** Adds {@code size} (negative: takes it away) to the totals. */
    private void counted(String owner, long size) {
        totalBytes += size;
        ownerBytes.merge(owner, size, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Whether {@code owner} is to lose entries: the cache is over its cap and the owner over its share. */
    private boolean overShare(String owner) {
        return totalBytes > maxTotalBytes && ownerBytes.getOrDefault(owner, 0L) > maxOwnerBytes;
    }

    /**
     * Removes an owner's least recently used entries while the cache is over its cap and the
     * owner over its share. Its most recently used entry stays, so that a share no larger
     * than one entry still holds the entry just put.
     */
    private int evictOwner(String owner, int maxBatches) {
        return evictWhile("SELECT rowid, scope, size, file FROM entries WHERE scope = ?1"
                + " AND last_use < (SELECT MAX(last_use) FROM entries WHERE scope = ?1) ORDER BY last_use LIMIT "
                + EVICTION_BATCH, List.of(owner), () -> overShare(owner), maxBatches);
    }

    /**
     * Deletes the rows {@code select} names (rowid, scope, size, file; at most a batch) while
     * {@code wanted} holds, then selects again: each batch is one transaction under the lock,
     * and the lock is let go between batches, so that other callers' gets and puts are not held
     * for the whole of a large eviction. A batch's files are deleted outside the lock. At most
     * {@code maxBatches} batches; how many entries went.
     */
    private int evictWhile(String select, List<Object> args, BooleanSupplier wanted, int maxBatches) {
        int evicted = 0;
        for (int batches = 0; batches < maxBatches; batches++) {
            List<String> files = new ArrayList<>();
            lock.lock();
            try {
                if (!wanted.getAsBoolean()) {
                    return evicted;
                }
                List<Victim> batch = victims(select, args);
                if (batch.isEmpty()) {
                    return evicted;
                }
                deleteRows(batch, wanted, files);
            } finally {
                lock.unlock();
                files.forEach(f -> deleteQuietly(bodies.resolve(f)));
            }
            evicted += files.size();
            betweenBatches.accept(files.size());
        }
        return evicted;
    }

    /** A row chosen for eviction. */
    private record Victim(long rowid, String owner, long size, String file) {
    }

    private List<Victim> victims(String select, List<Object> args) {
        try (PreparedStatement s = db.prepareStatement(select)) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            List<Victim> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Victim(r.getLong(1), r.getString(2), r.getLong(3), r.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new TenantdException("cache index error: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code batch}'s rows, each while {@code wanted} still holds, in one transaction;
     * their files go in {@code files}. On a failure the transaction is rolled back and the
     * totals are read again from the index, whatever part of it was written.
     */
    private void deleteRows(List<Victim> batch, BooleanSupplier wanted, List<String> files) {
        List<Victim> taken = new ArrayList<>();
        boolean failed = true;
        try {
            db.setAutoCommit(false);
            try (PreparedStatement delete = db.prepareStatement("DELETE FROM entries WHERE rowid = ?")) {
                for (Victim v : batch) {
                    if (!wanted.getAsBoolean()) {
                        break;
                    }
                    delete.setLong(1, v.rowid());
                    delete.executeUpdate();
                    taken.add(v);
                    counted(v.owner(), -v.size());
                }
            }
            db.commit();
            failed = false;
        } catch (SQLException e) {
            throw new TenantdException("cache index error: " + e.getMessage(), e);
        } finally {
            if (failed) {
                recoverFromFailedBatch();
            }
        }
        taken.forEach(v -> files.add(v.file()));
    }

    /** Rolls back what a failed batch left open and sets the totals from what the index holds. */
    private void recoverFromFailedBatch() {
        try {
            if (!db.getAutoCommit()) {
                db.rollback();
                db.setAutoCommit(true);
            }
            Map<String, Long> owners = owners(db);
            ownerBytes.clear();
            ownerBytes.putAll(owners);
            totalBytes = owners.values().stream().mapToLong(Long::longValue).sum();
        } catch (SQLException e) {
            LOG.warn("cache index: cannot recover from a failed eviction: {}", e.toString());
        }
    }

    /** What each owner's entries take, as the index says. */
    private static Map<String, Long> owners(Connection db) throws SQLException {
        Map<String, Long> owners = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT scope, SUM(size) FROM entries GROUP BY scope")) {
            while (r.next()) {
                owners.put(r.getString(1), r.getLong(2));
            }
        }
        return owners;
    }

    /** What one owner's entries take now. */
    long ownerBytes(String owner) {
        lock.lock();
        try {
            return ownerBytes.getOrDefault(owner, 0L);
        } finally {
            lock.unlock();
        }
    }

    /** The live entry under {@code key}, marked as just used; an expired one is removed. */
    Optional<CachedResponse> get(CacheKey key, Instant now) {
        Row row;
        Optional<String> expired = Optional.empty();
        lock.lock();
        try {
            Optional<Row> found = row(key);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            row = found.get();
            if (!row.expires().isAfter(now)) {
                expired = remove(key);
                return Optional.empty();
            }
            sql("UPDATE entries SET last_use = ? WHERE scope = ? AND cache = ? AND url = ?", ++lastUse, key.scope(),
                    key.cache(), key.url());
        } finally {
            lock.unlock();
            expired.ifPresent(file -> deleteQuietly(bodies.resolve(file)));
        }
        byte[] body;
        try {
            body = Files.readAllBytes(bodies.resolve(row.file()));
        } catch (NoSuchFileException e) {
            // Replaced or evicted since the row was read: as good as never stored.
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a cached body", e);
        }
        if (!storedWhole(row.file(), body.length)) {
            // A body of another length than was stored (cut short by a power cut before it
            // reached the disk): never served, as good as never stored.
            return Optional.empty();
        }
        return Optional.of(entry(row, body));
    }

    /** Whether a body read is as long as its file's name says it was stored (names without a length: yes). */
    static boolean storedWhole(String file, int length) {
        int dash = file.lastIndexOf('-');
        if (dash < 0) {
            return true;
        }
        try {
            return Integer.parseInt(file.substring(dash + 1)) == length;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Removes the entry under {@code key}; whether a live one was there. */
    boolean delete(CacheKey key, Instant now) {
        Optional<Row> found;
        Optional<String> file;
        lock.lock();
        try {
            found = row(key);
            file = remove(key);
        } finally {
            lock.unlock();
        }
        file.ifPresent(f -> deleteQuietly(bodies.resolve(f)));
        return found.isPresent() && found.get().expires().isAfter(now);
    }

    /**
     * Removes expired entries, then entries of owners over their share, then the least
     * recently used of all until the total fits the cap; how many went. Each step goes in
     * batches, letting other callers in between.
     */
    int evict(Instant now) {
        int evicted = evictWhile("SELECT rowid, scope, size, file FROM entries WHERE expires <= ?1 LIMIT " + EVICTION_BATCH,
                List.of(now.toEpochMilli()), () -> true, Integer.MAX_VALUE);
        List<String> owners;
        lock.lock();
        try {
            owners = List.copyOf(ownerBytes.keySet());
        } finally {
            lock.unlock();
        }
        for (String owner : owners) {
            evicted += evictOwner(owner, Integer.MAX_VALUE);
        }
        return evicted + evictWhile("SELECT rowid, scope, size, file FROM entries ORDER BY last_use LIMIT " + EVICTION_BATCH,
                List.of(), () -> totalBytes > maxTotalBytes, Integer.MAX_VALUE);
    }

    long totalBytes() {
        lock.lock();
        try {
            return totalBytes;
        } finally {
            lock.unlock();
        }
    }

    boolean overCap() {
        return totalBytes() > maxTotalBytes;
    }

    private record Row(String file, long size, Instant expires, String meta) {
    }

    private Optional<Row> row(CacheKey key) {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT file, size, expires, meta FROM entries WHERE scope = ? AND cache = ? AND url = ?")) {
            s.setString(1, key.scope());
            s.setString(2, key.cache());
            s.setString(3, key.url());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Row(r.getString(1), r.getLong(2), Instant.ofEpochMilli(r.getLong(3)),
                        r.getString(4))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new TenantdException("cache index error: " + e.getMessage(), e);
        }
    }

    /** Deletes the row under {@code key}; the body file it named, for the caller to delete outside the lock. */
    private Optional<String> remove(CacheKey key) {
        Optional<Row> found = row(key);
        if (found.isPresent()) {
            sql("DELETE FROM entries WHERE scope = ? AND cache = ? AND url = ?", key.scope(), key.cache(), key.url());
            counted(key.scope(), -found.get().size());
        }
        return found.map(Row::file);
    }

    private void sql(String statement, Object... args) {
        try (PreparedStatement s = db.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new TenantdException("cache index error: " + e.getMessage(), e);
        }
    }

    private static String meta(CachedResponse entry) {
        ObjectNode m = JSON.createObjectNode().put("status", entry.status()).put("statusText", entry.statusText())
                .put("headers", entry.headers().joined());
        ObjectNode vary = m.putObject("vary");
        entry.vary().forEach(vary::put);
        return m.toString();
    }

    private static CachedResponse entry(Row row, byte[] body) {
        try {
            var m = JSON.readTree(row.meta());
            Map<String, String> vary = new LinkedHashMap<>();
            m.path("vary").properties().forEach(e -> vary.put(e.getKey(), e.getValue().asText()));
            return new CachedResponse(m.path("status").asInt(), m.path("statusText").asText(),
                    HttpFields.parse(m.path("headers").asText()), body, row.expires(), vary);
        } catch (IOException e) {
            throw new TenantdException("a cache index row is damaged: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A body left behind is removed the next time the store opens.
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            db.close();
        } catch (SQLException e) {
            throw new TenantdException("cannot close the cache index: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
