package dev.tenantd.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.platform.observability.InvocationPage;
import dev.tenantd.platform.observability.InvocationQuery;
import dev.tenantd.platform.observability.LatencyBuckets;
import dev.tenantd.platform.observability.MinuteAggregate;
import dev.tenantd.platform.store.InvocationStore;
import dev.tenantd.runtime.TenantdException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.sqlite.SQLiteDataSource;

/**
 * Invocation records in their own SQLite database ({@code invocations.sqlite}, WAL), so that
 * their steady stream of writes never contends with the platform's store. One connection
 * writes (the recorder's single thread); a few read for the logs API. A batch is stored as one
 * chunk per script ({@link RecordChunk}); queries pick chunks by their columns and filter the
 * decoded records, newest stored first. Per-minute aggregates are added to in the same
 * transaction as the records they count.
 */
public final class SqliteInvocationStore implements InvocationStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSERT = "INSERT INTO invocation_chunks (account_id, namespace, script, first_ms, last_ms, "
            + "min_request, max_request, tags, outcomes, records_count, size_bytes, records) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String ADD_MINUTE = addMinuteSql();

    private final SqliteConnections db;

    private SqliteInvocationStore(SqliteConnections db) {
        this.db = db;
    }

    /** Opens (creating and migrating if needed) {@code invocations.sqlite} in a directory, with {@code readers} read connections. */
    public static SqliteInvocationStore open(Path dataDir, int readers) {
        try {
            SQLiteDataSource dataSource = SqliteFiles.migrated(dataDir.resolve("invocations.sqlite"),
                    "classpath:db/invocations/sqlite", org.sqlite.SQLiteConfig.SynchronousMode.NORMAL);
            SqliteConnections db = SqliteConnections.readingAndWriting(dataSource, readers, "invocations database");
            try (Statement st = db.writer().createStatement()) {
                // The writer touches the ends of every index on each batch: keeping those pages
                // cached (up to 32 MB, filled only as used) spares a read system call per page.
                st.execute("PRAGMA cache_size = -32768");
            }
            return new SqliteInvocationStore(db);
        } catch (Exception e) {
            throw new TenantdException("cannot open the invocations database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static String addMinuteSql() {
        StringBuilder cols = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        StringBuilder sums = new StringBuilder();
        for (String kind : List.of("cpu", "wall")) {
            for (int i = 0; i < LatencyBuckets.COUNT; i++) {
                String c = kind + "_b" + i;
                cols.append(", ").append(c);
                marks.append(", ?");
                sums.append(", ").append(c).append(" = ").append(c).append(" + excluded.").append(c);
            }
        }
        return "INSERT INTO invocation_minutes (account_id, namespace, script, minute_ms, outcome, status, requests, errors, "
                + "subrequests, cpu_ms_sum, wall_ms_sum" + cols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?" + marks + ") "
                + "ON CONFLICT (account_id, minute_ms, namespace, script, outcome, status) DO UPDATE SET "
                + "requests = requests + excluded.requests, errors = errors + excluded.errors, "
                + "subrequests = subrequests + excluded.subrequests, cpu_ms_sum = cpu_ms_sum + excluded.cpu_ms_sum, "
                + "wall_ms_sum = wall_ms_sum + excluded.wall_ms_sum" + sums;
    }

    private <T> T read(SqliteConnections.Work<T> work) {
        return db.read(work);
    }

    private <T> T transaction(SqliteConnections.Work<T> work) {
        return db.transaction(work);
    }

    // ---- writing

    /** One minute's totals while a batch is added up. */
    private static final class Minute {
        long requests;
        long errors;
        long subrequests;
        double cpu;
        double wall;
        final long[] cpuBuckets = new long[LatencyBuckets.COUNT];
        final long[] wallBuckets = new long[LatencyBuckets.COUNT];

        void add(Minute other) {
            requests += other.requests;
            errors += other.errors;
            subrequests += other.subrequests;
            cpu += other.cpu;
            wall += other.wall;
            for (int i = 0; i < LatencyBuckets.COUNT; i++) {
                cpuBuckets[i] += other.cpuBuckets[i];
                wallBuckets[i] += other.wallBuckets[i];
            }
        }
    }

    private record MinuteKey(String account, String namespace, String script, long minute, String outcome, int status) {
        MinuteKey withStatus(int other) {
            return new MinuteKey(account, namespace, script, minute, outcome, other);
        }

        ScriptMinute scriptMinute() {
            return new ScriptMinute(account, namespace, script, minute);
        }
    }

    private record ScriptMinute(String account, String namespace, String script, long minute) {
    }

    /**
     * Rows of per-minute totals one script keeps for one minute, one per outcome and status; a
     * further status is counted under {@link #OTHER_STATUS}. A worker answers with whatever
     * status it likes: 400 of them at random would be 400 rows a minute, about a gigabyte a week
     * of a disk every tenant shares, and these totals are kept for the retention, outside the
     * records' size cap. 32 hold what real workers answer in a minute (a busy API's dozen
     * statuses, with its exceptions) and keep one answering at random to about 80 MB a week.
     */
    static final int ROWS_PER_SCRIPT_MINUTE = 32;
    /** The status the totals of statuses past {@link #ROWS_PER_SCRIPT_MINUTE} are kept under. */
    static final int OTHER_STATUS = 0;

    /**
     * The batch's totals with each script's minute held to {@link #ROWS_PER_SCRIPT_MINUTE} rows,
     * counting the rows it has already: the totals of a status that would go past them are
     * added to those of its outcome under {@link #OTHER_STATUS}.
     */
    private static Map<MinuteKey, Minute> heldToRows(Connection db, Map<MinuteKey, Minute> minutes) throws SQLException {
        Map<ScriptMinute, Set<MinuteKey>> stored = new java.util.HashMap<>();
        Map<MinuteKey, Minute> result = new LinkedHashMap<>();
        try (PreparedStatement st = db.prepareStatement("SELECT outcome, status FROM invocation_minutes WHERE account_id = ? "
                + "AND script = ? AND minute_ms = ? AND namespace = ?")) {
            for (Map.Entry<MinuteKey, Minute> me : minutes.entrySet()) {
                MinuteKey k = me.getKey();
                Set<MinuteKey> rows = stored.get(k.scriptMinute());
                if (rows == null) {
                    rows = new java.util.HashSet<>();
                    st.setString(1, k.account());
                    st.setString(2, k.script());
                    st.setLong(3, k.minute());
                    st.setString(4, k.namespace());
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new MinuteKey(k.account(), k.namespace(), k.script(), k.minute(), rs.getString(1),
                                    rs.getInt(2)));
                        }
                    }
                    stored.put(k.scriptMinute(), rows);
                }
                MinuteKey kept = k;
                if (!rows.contains(k)) {
                    if (rows.size() < ROWS_PER_SCRIPT_MINUTE) {
                        rows.add(k);
                    } else {
                        kept = k.withStatus(OTHER_STATUS);
                    }
                }
                result.computeIfAbsent(kept, x -> new Minute()).add(me.getValue());
            }
        }
        return result;
    }

    /**
     * The script a record's per-minute totals are kept under: its own, or none ({@code ""}) for a
     * call of a worker that does not exist. Anyone can call made-up names; each would add a row
     * of totals every minute.
     */
    private static String totalsScript(InvocationEntry e) {
        return e.outcome().equals(NOT_FOUND) ? "" : e.script();
    }

    private static final String NOT_FOUND = "scriptNotFound";

    /**
     * What the size cap shares among: a worker's chunks, or, for chunks holding only calls of
     * workers that do not exist, one group per account, whatever names were called.
     */
    private static final String TRIM_GROUP = "account_id, CASE WHEN outcomes = '[\"" + NOT_FOUND + "\"]' THEN '' ELSE "
            + "namespace END, CASE WHEN outcomes = '[\"" + NOT_FOUND + "\"]' THEN '' ELSE script END";

    @Override
    public void insert(List<InvocationEntry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<MinuteKey, Minute> minutes = new LinkedHashMap<>();
        for (InvocationEntry e : batch) {
            Minute m = minutes.computeIfAbsent(new MinuteKey(e.accountId(), e.namespace(), totalsScript(e),
                    e.timeMillis() - Math.floorMod(e.timeMillis(), 60_000L), e.outcome(), e.status()), k -> new Minute());
            m.requests++;
            m.errors += e.outcome().equals("ok") ? 0 : 1;
            m.subrequests += e.subrequests();
            m.cpu += e.cpuMs();
            m.wall += e.wallMs();
            m.cpuBuckets[LatencyBuckets.of(e.cpuMs())]++;
            m.wallBuckets[LatencyBuckets.of(e.wallMs())]++;
        }
        // One chunk per script of the batch, its records in the order they came.
        Map<ChunkKey, List<InvocationEntry>> chunks = new LinkedHashMap<>();
        for (InvocationEntry e : batch) {
            chunks.computeIfAbsent(new ChunkKey(e.accountId(), e.namespace(), e.script()), k -> new ArrayList<>()).add(e);
        }
        transaction(db -> {
            try (PreparedStatement st = db.prepareStatement(INSERT)) {
                for (Map.Entry<ChunkKey, List<InvocationEntry>> chunk : chunks.entrySet()) {
                    List<InvocationEntry> records = chunk.getValue();
                    for (int from = 0; from < records.size(); from += RecordChunk.MAX_RECORDS) {
                        bindChunk(st, chunk.getKey(), records.subList(from,
                                Math.min(records.size(), from + RecordChunk.MAX_RECORDS)));
                        st.addBatch();
                    }
                }
                st.executeBatch();
            }
            try (PreparedStatement st = db.prepareStatement(ADD_MINUTE)) {
                for (Map.Entry<MinuteKey, Minute> me : heldToRows(db, minutes).entrySet()) {
                    MinuteKey k = me.getKey();
                    Minute m = me.getValue();
                    int i = 1;
                    st.setString(i++, k.account());
                    st.setString(i++, k.namespace());
                    st.setString(i++, k.script());
                    st.setLong(i++, k.minute());
                    st.setString(i++, k.outcome());
                    st.setInt(i++, k.status());
                    st.setLong(i++, m.requests);
                    st.setLong(i++, m.errors);
                    st.setLong(i++, m.subrequests);
                    st.setDouble(i++, m.cpu);
                    st.setDouble(i++, m.wall);
                    for (long c : m.cpuBuckets) {
                        st.setLong(i++, c);
                    }
                    for (long c : m.wallBuckets) {
                        st.setLong(i++, c);
                    }
                    st.addBatch();
                }
                st.executeBatch();
            }
            return null;
        });
    }

    private record ChunkKey(String account, String namespace, String script) {
    }

    private static void bindChunk(PreparedStatement st, ChunkKey key, List<InvocationEntry> records) throws SQLException {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        String minRequest = null;
        String maxRequest = null;
        long bytes = 0;
        Set<String> tags = new TreeSet<>();
        Set<String> outcomes = new TreeSet<>();
        for (InvocationEntry e : records) {
            first = Math.min(first, e.timeMillis());
            last = Math.max(last, e.timeMillis());
            minRequest = minRequest == null || e.requestId().compareTo(minRequest) < 0 ? e.requestId() : minRequest;
            maxRequest = maxRequest == null || e.requestId().compareTo(maxRequest) > 0 ? e.requestId() : maxRequest;
            bytes += e.approximateBytes();
            tags.addAll(e.tags());
            outcomes.add(e.outcome());
        }
        int i = 1;
        st.setString(i++, key.account());
        st.setString(i++, key.namespace());
        st.setString(i++, key.script());
        st.setLong(i++, first);
        st.setLong(i++, last);
        st.setString(i++, minRequest);
        st.setString(i++, maxRequest);
        st.setString(i++, jsonArray(tags));
        st.setString(i++, jsonArray(outcomes));
        st.setInt(i++, records.size());
        st.setLong(i++, bytes);
        st.setBytes(i, RecordChunk.encode(records));
    }

    private static String jsonArray(Collection<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a.toString();
    }

    // ---- reading

    @Override
    public InvocationPage query(InvocationQuery q) {
        return read(db -> RecordQuery.run(db, q));
    }

    @Override
    public Optional<InvocationEntry> get(String accountId, String id) {
        Optional<Long> position = RecordChunk.parseId(id);
        if (position.isEmpty()) {
            return Optional.empty();
        }
        return read(db -> {
            try (PreparedStatement st = db.prepareStatement("SELECT " + RecordQuery.CHUNK_COLUMNS
                    + " FROM invocation_chunks WHERE position = ? AND account_id = ?")) {
                st.setLong(1, RecordChunk.chunkOf(position.get()));
                st.setString(2, accountId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    List<InvocationEntry> records = RecordQuery.decode(rs);
                    int index = RecordChunk.indexOf(position.get());
                    return index < records.size() ? Optional.of(records.get(index)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<MinuteAggregate> aggregates(String accountId, long fromMillis, long toMillis) {
        return read(db -> {
            List<MinuteAggregate> list = new ArrayList<>();
            try (PreparedStatement st = db.prepareStatement("SELECT * FROM invocation_minutes WHERE account_id = ? "
                    + "AND minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms, namespace, script, outcome, status")) {
                st.setString(1, accountId);
                st.setLong(2, fromMillis);
                st.setLong(3, toMillis);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        List<Long> cpu = new ArrayList<>();
                        List<Long> wall = new ArrayList<>();
                        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
                            cpu.add(rs.getLong("cpu_b" + i));
                            wall.add(rs.getLong("wall_b" + i));
                        }
                        list.add(new MinuteAggregate(rs.getString("account_id"), rs.getString("namespace"),
                                rs.getString("script"), rs.getLong("minute_ms"), rs.getString("outcome"), rs.getInt("status"),
                                rs.getLong("requests"), rs.getLong("errors"), rs.getLong("subrequests"),
                                rs.getDouble("cpu_ms_sum"), rs.getDouble("wall_ms_sum"), cpu, wall));
                    }
                }
            }
            return list;
        });
    }

    // ---- retention

    @Override
    public int deleteBefore(long beforeMillis) {
        // A chunk goes when its newest record is older than the cutoff.
        int removed = deleteChunks("last_ms < ?", beforeMillis);
        transaction(db -> {
            try (PreparedStatement st = db.prepareStatement("DELETE FROM invocation_minutes WHERE minute_ms < ?")) {
                st.setLong(1, beforeMillis - Math.floorMod(beforeMillis, 60_000L));
                return st.executeUpdate();
            }
        });
        return removed;
    }

    @Override
    public int trimTo(long maxBytes) {
        List<Long> sizes = read(db -> {
            List<Long> list = new ArrayList<>();
            try (PreparedStatement st = db.prepareStatement("SELECT sum(size_bytes) FROM invocation_chunks "
                    + "GROUP BY " + TRIM_GROUP); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    list.add(rs.getLong(1));
                }
            }
            return list;
        });
        long excess = sizes.stream().mapToLong(Long::longValue).sum() - maxBytes;
        if (excess <= 0) {
            return 0;
        }
        // Each worker (and each account's calls of workers that do not exist, together) keeps
        // its newest records up to an equal share of the cap, and what a
        // worker holding less than its share leaves over is shared by the others: only the
        // workers over their share lose records, their oldest first.
        long share = fairShare(sizes, maxBytes);
        List<Chunk> doomed = read(db -> {
            List<Chunk> list = new ArrayList<>();
            try (PreparedStatement st = db.prepareStatement("SELECT position, records_count, size_bytes FROM (SELECT "
                    + "position, records_count, size_bytes, sum(size_bytes) OVER (PARTITION BY " + TRIM_GROUP
                    + " ORDER BY position DESC) AS kept FROM invocation_chunks) WHERE kept > ? ORDER BY position")) {
                st.setLong(1, share);
                try (ResultSet rs = st.executeQuery()) {
                    long freed = 0;
                    while (freed < excess && rs.next()) {
                        list.add(new Chunk(rs.getLong(1), rs.getInt(2)));
                        freed += rs.getLong(3);
                    }
                }
            }
            return list;
        });
        int removed = 0;
        for (int from = 0; from < doomed.size(); from += 500) {
            List<Chunk> some = doomed.subList(from, Math.min(doomed.size(), from + 500));
            removed += transaction(db -> delete(db, some));
        }
        return removed;
    }

    /**
     * The most each worker may keep so that all fit in {@code maxBytes}: workers under it keep
     * everything, and the rest is divided equally among the others.
     */
    static long fairShare(List<Long> sizes, long maxBytes) {
        List<Long> ascending = sizes.stream().sorted().toList();
        long left = maxBytes;
        for (int i = 0; i < ascending.size(); i++) {
            long share = left / (ascending.size() - i);
            if (ascending.get(i) > share) {
                return share;
            }
            left -= ascending.get(i);
        }
        return Long.MAX_VALUE;
    }

    /** Deletes the chunks matching {@code where}, some at a time so readers are not held up; returns their records. */
    private int deleteChunks(String where, long value) {
        int removed = 0;
        while (true) {
            int gone = transaction(db -> {
                List<Chunk> chunks = new ArrayList<>();
                try (PreparedStatement st = db.prepareStatement("SELECT position, records_count FROM invocation_chunks "
                        + "WHERE " + where + " ORDER BY position LIMIT 500")) {
                    st.setLong(1, value);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            chunks.add(new Chunk(rs.getLong(1), rs.getInt(2)));
                        }
                    }
                }
                return chunks.isEmpty() ? -1 : delete(db, chunks);
            });
            if (gone < 0) {
                return removed;
            }
            removed += gone;
        }
    }

    /** A stored chunk by its position, and how many records it holds. */
    private record Chunk(long position, int records) {
    }

    /** Deletes these chunks; returns how many records went with those still there. */
    private static int delete(Connection db, List<Chunk> chunks) throws SQLException {
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM invocation_chunks WHERE position = ?")) {
            for (Chunk chunk : chunks) {
                delete.setLong(1, chunk.position());
                delete.addBatch();
            }
            int[] deleted = delete.executeBatch();
            int records = 0;
            for (int i = 0; i < deleted.length; i++) {
                records += deleted[i] > 0 ? chunks.get(i).records() : 0;
            }
            return records;
        }
    }

    @Override
    public long storedBytes() {
        return read(db -> {
            try (PreparedStatement st = db.prepareStatement("SELECT coalesce(sum(size_bytes), 0) FROM invocation_chunks");
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public void close() {
        db.close();
    }
}
