package dev.tenantd.store.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.observability.InvocationCursor;
import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.platform.observability.InvocationPage;
import dev.tenantd.platform.observability.InvocationQuery;
import dev.tenantd.platform.observability.LatencyBuckets;
import dev.tenantd.platform.observability.MinuteAggregate;
import dev.tenantd.platform.store.InvocationStore;
import dev.tenantd.runtime.TenantdException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.sqlite.SQLiteDataSource;

/**
 * Invocation records in their own SQLite database ({@code invocations.sqlite}, WAL), so that
 * their steady stream of writes never contends with the platform's store. One connection
 * writes (the recorder's single thread); a few read for the logs API. Per-minute aggregates
 * are added to in the same transaction as the records they count.
 */
public final class SqliteInvocationStore implements InvocationStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "position, id, time_ms, request_id, account_id, namespace, script, version_id, "
            + "tags, outcome, status, cpu_ms, wall_ms, subrequests, method, host, path, logs, logs_truncated, exception";
    private static final String INSERT = "INSERT INTO invocations (id, time_ms, request_id, account_id, namespace, script, "
            + "version_id, tags, outcome, status, cpu_ms, wall_ms, subrequests, method, host, path, logs, logs_truncated, "
            + "exception, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String ADD_MINUTE = addMinuteSql();

    private final Connection writer;
    private final BlockingQueue<Connection> readers;

    private SqliteInvocationStore(Connection writer, BlockingQueue<Connection> readers) {
        this.writer = writer;
        this.readers = readers;
    }

    /** Opens (creating and migrating if needed) {@code invocations.sqlite} in a directory, with {@code readers} read connections. */
    public static SqliteInvocationStore open(Path dataDir, int readers) {
        try {
            SQLiteDataSource dataSource = SqliteFiles.migrated(dataDir.resolve("invocations.sqlite"),
                    "classpath:db/invocations/sqlite");
            BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(Math.max(1, readers));
            for (int i = 0; i < Math.max(1, readers); i++) {
                pool.add(dataSource.getConnection());
            }
            Connection writer = dataSource.getConnection();
            try (java.sql.Statement st = writer.createStatement()) {
                // The writer touches the ends of every index on each batch: keeping those pages
                // cached (up to 32 MB, filled only as used) spares a read system call per page.
                st.execute("PRAGMA cache_size = -32768");
            }
            return new SqliteInvocationStore(writer, pool);
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

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection db) throws SQLException;
    }

    private <T> T read(Work<T> work) {
        Connection db;
        try {
            db = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TenantdException("interrupted while waiting for an invocations database connection");
        }
        try {
            return work.run(db);
        } catch (SQLException e) {
            throw new TenantdException("invocations database error: " + e.getMessage(), e);
        } finally {
            readers.add(db);
        }
    }

    private synchronized <T> T transaction(Work<T> work) {
        try {
            writer.setAutoCommit(false);
            try {
                T result = work.run(writer);
                writer.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new TenantdException("invocations database error: " + e.getMessage(), e);
        }
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
    }

    private record MinuteKey(String account, String namespace, String script, long minute, String outcome, int status) {
    }

    @Override
    public void insert(List<InvocationEntry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<MinuteKey, Minute> minutes = new LinkedHashMap<>();
        for (InvocationEntry e : batch) {
            Minute m = minutes.computeIfAbsent(new MinuteKey(e.accountId(), e.namespace(), e.script(),
                    e.timeMillis() - Math.floorMod(e.timeMillis(), 60_000L), e.outcome(), e.status()), k -> new Minute());
            m.requests++;
            m.errors += e.outcome().equals("ok") ? 0 : 1;
            m.subrequests += e.subrequests();
            m.cpu += e.cpuMs();
            m.wall += e.wallMs();
            m.cpuBuckets[LatencyBuckets.of(e.cpuMs())]++;
            m.wallBuckets[LatencyBuckets.of(e.wallMs())]++;
        }
        transaction(db -> {
            // The driver's generated keys cost a query per row: the last row id is read only when tags need it.
            try (PreparedStatement st = db.prepareStatement(INSERT);
                    PreparedStatement lastRow = db.prepareStatement("SELECT last_insert_rowid()");
                    PreparedStatement tag = db.prepareStatement("INSERT OR IGNORE INTO invocation_tags (position, tag) VALUES (?, ?)")) {
                for (InvocationEntry e : batch) {
                    bindEntry(st, e);
                    st.executeUpdate();
                    if (!e.tags().isEmpty()) {
                        long position;
                        try (ResultSet keys = lastRow.executeQuery()) {
                            keys.next();
                            position = keys.getLong(1);
                        }
                        for (String t : e.tags()) {
                            tag.setLong(1, position);
                            tag.setString(2, t);
                            tag.executeUpdate();
                        }
                    }
                }
            }
            try (PreparedStatement st = db.prepareStatement(ADD_MINUTE)) {
                for (Map.Entry<MinuteKey, Minute> me : minutes.entrySet()) {
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

    private static void bindEntry(PreparedStatement st, InvocationEntry e) throws SQLException {
        ArrayNode tags = JSON.createArrayNode();
        e.tags().forEach(tags::add);
        ArrayNode logs = JSON.createArrayNode();
        for (InvocationEntry.LogLine l : e.logs()) {
            ObjectNode line = logs.addObject().put("level", l.level());
            line.set("message", message(l.messageJson()));
            line.put("timestamp", l.timestampMillis());
        }
        int i = 1;
        st.setString(i++, e.id());
        st.setLong(i++, e.timeMillis());
        st.setString(i++, e.requestId());
        st.setString(i++, e.accountId());
        st.setString(i++, e.namespace());
        st.setString(i++, e.script());
        st.setString(i++, e.versionId());
        st.setString(i++, tags.toString());
        st.setString(i++, e.outcome());
        st.setInt(i++, e.status());
        st.setDouble(i++, e.cpuMs());
        st.setDouble(i++, e.wallMs());
        st.setInt(i++, e.subrequests());
        st.setString(i++, e.method());
        st.setString(i++, e.host());
        st.setString(i++, e.path());
        st.setString(i++, logs.toString());
        st.setInt(i++, e.logsTruncated() ? 1 : 0);
        st.setString(i++, e.exception().map(x -> JSON.createObjectNode().put("name", x.name()).put("message", x.message())
                .put("stack", x.stack()).put("timestamp", x.timestampMillis()).toString()).orElse(null));
        st.setLong(i, e.approximateBytes());
    }

    /** A console line's arguments as JSON, kept as JSON so that text in them is escaped once, as the text filter expects. */
    private static JsonNode message(String messageJson) {
        try {
            JsonNode node = JSON.readTree(messageJson);
            return node == null ? JSON.getNodeFactory().textNode(messageJson) : node;
        } catch (IOException e) {
            return JSON.createArrayNode().add(messageJson);
        }
    }

    // ---- reading

    @Override
    public InvocationPage query(InvocationQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM invocations WHERE account_id = ?");
        List<Object> args = new ArrayList<>();
        args.add(q.accountId());
        q.namespace().ifPresent(v -> {
            sql.append(" AND namespace = ?");
            args.add(v);
        });
        q.script().ifPresent(v -> {
            sql.append(" AND script = ?");
            args.add(v);
        });
        q.tag().ifPresent(v -> {
            sql.append(" AND position IN (SELECT position FROM invocation_tags WHERE tag = ?)");
            args.add(v);
        });
        q.outcome().ifPresent(v -> {
            sql.append(" AND outcome = ?");
            args.add(v);
        });
        q.status().ifPresent(v -> {
            sql.append(" AND status = ?");
            args.add(v);
        });
        q.sinceMillis().ifPresent(v -> {
            sql.append(" AND time_ms >= ?");
            args.add(v);
        });
        q.untilMillis().ifPresent(v -> {
            sql.append(" AND time_ms <= ?");
            args.add(v);
        });
        q.requestId().ifPresent(v -> {
            sql.append(" AND request_id = ?");
            args.add(v);
        });
        q.text().ifPresent(v -> {
            // Matched in the stored JSON, where quotes and backslashes in a line are escaped the same way.
            String quoted = JSON.getNodeFactory().textNode(v).toString();
            String pattern = "%" + likeEscaped(quoted.substring(1, quoted.length() - 1)) + "%";
            sql.append(" AND (logs LIKE ? ESCAPE '\\' OR exception LIKE ? ESCAPE '\\')");
            args.add(pattern);
            args.add(pattern);
        });
        q.after().ifPresent(c -> {
            sql.append(" AND (time_ms < ? OR (time_ms = ? AND position < ?))");
            args.add(c.timeMillis());
            args.add(c.timeMillis());
            args.add(c.position());
        });
        sql.append(" ORDER BY time_ms DESC, position DESC LIMIT ?");
        args.add(q.limit() + 1);
        return read(db -> {
            List<InvocationEntry> entries = new ArrayList<>();
            long lastTime = 0;
            long lastPosition = 0;
            boolean more = false;
            try (PreparedStatement st = db.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    st.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (entries.size() == q.limit()) {
                            more = true;
                            break;
                        }
                        entries.add(entry(rs));
                        lastPosition = rs.getLong("position");
                        lastTime = rs.getLong("time_ms");
                    }
                }
            }
            return new InvocationPage(entries, more ? Optional.of(new InvocationCursor(lastTime, lastPosition))
                    : Optional.empty());
        });
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    @Override
    public Optional<InvocationEntry> get(String accountId, String id) {
        return read(db -> {
            try (PreparedStatement st = db.prepareStatement("SELECT " + COLUMNS
                    + " FROM invocations WHERE account_id = ? AND id = ?")) {
                st.setString(1, accountId);
                st.setString(2, id);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
                }
            }
        });
    }

    private static InvocationEntry entry(ResultSet rs) throws SQLException {
        try {
            List<String> tags = new ArrayList<>();
            JSON.readTree(rs.getString("tags")).forEach(t -> tags.add(t.asText()));
            List<InvocationEntry.LogLine> logs = new ArrayList<>();
            for (JsonNode l : JSON.readTree(rs.getString("logs"))) {
                logs.add(new InvocationEntry.LogLine(l.path("level").asText(), l.path("message").toString(),
                        l.path("timestamp").asLong()));
            }
            String exceptionText = rs.getString("exception");
            Optional<InvocationEntry.ExceptionInfo> exception = Optional.empty();
            if (exceptionText != null) {
                ObjectNode x = (ObjectNode) JSON.readTree(exceptionText);
                exception = Optional.of(new InvocationEntry.ExceptionInfo(x.path("name").asText(),
                        x.path("message").asText(), x.path("stack").asText(), x.path("timestamp").asLong()));
            }
            return new InvocationEntry(rs.getString("id"), rs.getLong("time_ms"), rs.getString("request_id"),
                    rs.getString("account_id"), rs.getString("namespace"), rs.getString("script"),
                    rs.getString("version_id"), tags, rs.getString("outcome"), rs.getInt("status"), rs.getDouble("cpu_ms"),
                    rs.getDouble("wall_ms"), rs.getInt("subrequests"), rs.getString("method"), rs.getString("host"),
                    rs.getString("path"), logs, rs.getInt("logs_truncated") != 0, exception);
        } catch (IOException e) {
            throw new SQLException("a stored invocation record is not valid JSON: " + e.getMessage(), e);
        }
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
        // Rows are stored as invocations end, so time grows with position: the old rows are the
        // first ones, up to the first row at or after the cutoff. (A row of a long invocation
        // stored after newer ones goes once the rows before it have gone.)
        long boundary = read(db -> {
            try (PreparedStatement st = db.prepareStatement(
                    "SELECT position FROM invocations WHERE time_ms >= ? ORDER BY position LIMIT 1")) {
                st.setLong(1, beforeMillis);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
                }
            }
        });
        int removed = deleteUpTo(boundary == Long.MAX_VALUE ? Long.MAX_VALUE : boundary - 1);
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
        // The newest record that no longer fits: it and every older one go, a chunk per transaction.
        long cutoff = read(db -> {
            try (PreparedStatement st = db.prepareStatement("SELECT position FROM (SELECT position, sum(size_bytes) "
                    + "OVER (ORDER BY position DESC) AS running FROM invocations) WHERE running > ? "
                    + "ORDER BY position DESC LIMIT 1")) {
                st.setLong(1, maxBytes);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1L;
                }
            }
        });
        return cutoff < 0 ? 0 : deleteUpTo(cutoff);
    }

    /** Deletes every record at or before {@code position}, a chunk per transaction so readers are not held up. */
    private int deleteUpTo(long position) {
        int removed = 0;
        while (true) {
            int gone = transaction(db -> {
                try (PreparedStatement st = db.prepareStatement("DELETE FROM invocations WHERE position IN "
                        + "(SELECT position FROM invocations WHERE position <= ? ORDER BY position LIMIT 2000)")) {
                    st.setLong(1, position);
                    return st.executeUpdate();
                }
            });
            if (gone == 0) {
                return removed;
            }
            removed += gone;
        }
    }

    @Override
    public long storedBytes() {
        return read(db -> {
            try (PreparedStatement st = db.prepareStatement("SELECT coalesce(sum(size_bytes), 0) FROM invocations");
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
            for (Connection c : readers) {
                c.close();
            }
        } catch (SQLException e) {
            throw new TenantdException("closing the invocations database: " + e.getMessage(), e);
        }
    }
}
