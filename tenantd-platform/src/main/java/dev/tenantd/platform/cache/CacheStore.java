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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Cached responses on disk: an SQLite index ({@code index.sqlite}: key, expiry, size, last
 * use, status and headers) and one file per body under {@code bodies/}. Bodies live in files
 * rather than in the index: from a few hundred KiB up, writing, reading and deleting a body
 * as a blob costs several times what a file does, and the pages a deleted blob frees stay
 * in the database file until it is vacuumed, where removing a file gives its space back at once. A body is written in full before its row
 * points at it; files no row names (left by a crash) are removed when the store opens.
 *
 * <p>Index calls are serialized on this object; bodies are read outside the lock. Blocking:
 * callers run it on the cache's own threads ({@link CacheService}).
 */
final class CacheStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path bodies;
    private final Connection db;
    private final long maxTotalBytes;
    private final long maxOwnerBytes;
    private long totalBytes;
    /** What each owner's entries take ({@link CacheKey#scope()}: a worker, a namespace or an account). */
    private final Map<String, Long> ownerBytes;
    private long lastUse;

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
     * at once when it puts one more, and first when the cache is evicted.
     */
    static CacheStore open(Path dir, long maxTotalBytes, long maxOwnerBytes) {
        try {
            Path bodies = dir.resolve("bodies");
            Files.createDirectories(bodies);
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
            }
            long use;
            Map<String, Long> owners = new java.util.HashMap<>();
            Set<String> files = new HashSet<>();
            try (Statement s = db.createStatement();
                    ResultSet r = s.executeQuery("SELECT COALESCE(MAX(last_use), 0) FROM entries");
                    Statement o = db.createStatement();
                    ResultSet byOwner = o.executeQuery("SELECT scope, SUM(size) FROM entries GROUP BY scope");
                    Statement f = db.createStatement();
                    ResultSet names = f.executeQuery("SELECT file FROM entries")) {
                use = r.getLong(1);
                while (byOwner.next()) {
                    owners.put(byOwner.getString(1), byOwner.getLong(2));
                }
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

    /** Stores {@code entry} under {@code key}, replacing what was there. */
    void put(CacheKey key, CachedResponse entry) {
        long expires = entry.expires().toEpochMilli(); // before anything is written: it may not fit
        String file = UUID.randomUUID().toString().replace("-", "");
        Path tmp = bodies.resolve(file + ".tmp");
        try {
            Files.write(tmp, entry.body());
            Files.move(tmp, bodies.resolve(file), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write a cached body", e);
        }
        String meta = meta(entry);
        // The key takes room in the index as the body does on disk: a worker's long URLs count too.
        long size = entry.body().length + (long) meta.length() + key.url().length() + key.cache().length();
        Optional<String> replaced = Optional.empty();
        List<String> pushedOut = new ArrayList<>();
        boolean indexed = false;
        try {
            synchronized (this) {
                replaced = remove(key);
                sql("INSERT INTO entries (scope, cache, url, file, size, expires, last_use, meta) VALUES (?,?,?,?,?,?,?,?)",
                        key.scope(), key.cache(), key.url(), file, size, expires, ++lastUse, meta);
                counted(key.scope(), size);
                indexed = true;
                evictOwner(key.scope(), pushedOut);
            }
        } finally {
            // A body the index does not name would count toward no cap and never be evicted.
            replaced.ifPresent(old -> deleteQuietly(bodies.resolve(old)));
            pushedOut.forEach(old -> deleteQuietly(bodies.resolve(old)));
            if (!indexed) {
                deleteQuietly(bodies.resolve(file));
            }
        }
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
     * owner over its share; their files go in {@code files}, for the caller to delete outside the lock.
     */
    private void evictOwner(String owner, List<String> files) {
        if (!overShare(owner)) {
            return;
        }
        try (PreparedStatement lru = db.prepareStatement(
                "SELECT scope, cache, url FROM entries WHERE scope = ? ORDER BY last_use LIMIT 64")) {
            lru.setString(1, owner);
            while (overShare(owner)) {
                List<CacheKey> oldest = keys(lru);
                if (oldest.isEmpty()) {
                    return;
                }
                for (CacheKey old : oldest) {
                    if (!overShare(owner)) {
                        return;
                    }
                    remove(old).ifPresent(files::add);
                }
            }
        } catch (SQLException e) {
            throw new TenantdException("cache index error: " + e.getMessage(), e);
        }
    }

    /** What one owner's entries take now. */
    synchronized long ownerBytes(String owner) {
        return ownerBytes.getOrDefault(owner, 0L);
    }

    /** The live entry under {@code key}, marked as just used; an expired one is removed. */
    Optional<CachedResponse> get(CacheKey key, Instant now) {
        Row row;
        synchronized (this) {
            Optional<Row> found = row(key);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            row = found.get();
            if (!row.expires().isAfter(now)) {
                remove(key).ifPresent(file -> deleteQuietly(bodies.resolve(file)));
                return Optional.empty();
            }
            sql("UPDATE entries SET last_use = ? WHERE scope = ? AND cache = ? AND url = ?", ++lastUse, key.scope(),
                    key.cache(), key.url());
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
        return Optional.of(entry(row, body));
    }

    /** Removes the entry under {@code key}; whether a live one was there. */
    boolean delete(CacheKey key, Instant now) {
        Optional<Row> found;
        Optional<String> file;
        synchronized (this) {
            found = row(key);
            file = remove(key);
        }
        file.ifPresent(f -> deleteQuietly(bodies.resolve(f)));
        return found.isPresent() && found.get().expires().isAfter(now);
    }

    /** Removes expired entries, then the least recently used until the total fits the cap; how many went. */
    int evict(Instant now) {
        List<String> files = new ArrayList<>();
        synchronized (this) {
            try (PreparedStatement s = db.prepareStatement("SELECT scope, cache, url FROM entries WHERE expires <= ?")) {
                s.setLong(1, now.toEpochMilli());
                for (CacheKey key : keys(s)) {
                    remove(key).ifPresent(files::add);
                }
                // Owners over their share first, then the least recently used of all.
                for (String owner : List.copyOf(ownerBytes.keySet())) {
                    evictOwner(owner, files);
                }
                try (PreparedStatement lru = db.prepareStatement("SELECT scope, cache, url FROM entries ORDER BY last_use LIMIT 64")) {
                    while (totalBytes > maxTotalBytes) {
                        List<CacheKey> oldest = keys(lru);
                        if (oldest.isEmpty()) {
                            break;
                        }
                        for (CacheKey key : oldest) {
                            if (totalBytes <= maxTotalBytes) {
                                break;
                            }
                            remove(key).ifPresent(files::add);
                        }
                    }
                }
            } catch (SQLException e) {
                throw new TenantdException("cache index error: " + e.getMessage(), e);
            }
        }
        files.forEach(f -> deleteQuietly(bodies.resolve(f)));
        return files.size();
    }

    synchronized long totalBytes() {
        return totalBytes;
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

    private static List<CacheKey> keys(PreparedStatement s) throws SQLException {
        List<CacheKey> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new CacheKey(r.getString(1), r.getString(2), r.getString(3)));
            }
        }
        return out;
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
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new TenantdException("cannot close the cache index: " + e.getMessage(), e);
        }
    }
}
