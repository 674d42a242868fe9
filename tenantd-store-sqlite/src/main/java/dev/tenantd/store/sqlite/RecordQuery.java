package dev.tenantd.store.sqlite;

import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.platform.observability.InvocationCursor;
import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.platform.observability.InvocationPage;
import dev.tenantd.platform.observability.InvocationQuery;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logs query over {@code invocation_chunks}: the chunks that can hold a match, read by their
 * newest record first, decoded and filtered ({@link RecordFilter}), and merged into one list
 * newest first by start time with a cursor to continue from.
 */
final class RecordQuery {
    private static final Logger LOG = LoggerFactory.getLogger(RecordQuery.class);
    static final String CHUNK_COLUMNS = "position, account_id, namespace, script, records, last_ms";
    /** How many chunks a query reads at a time while it fills a page. */
    private static final int CHUNKS_PER_READ = 64;
    /**
     * How long one query may read and decode before it is refused as too broad: it holds one
     * of the store's few read connections meanwhile, which every account's queries share.
     */
    static final long SCAN_BUDGET_MS = 10_000;
    /** SQLite's virtual-machine steps between two looks at the deadline. */
    private static final int PROGRESS_STEPS = 1_000;

    private RecordQuery() {
    }

    /** Adds {@code condition} (one {@code ?}) with the value, when there is one. */
    private static void where(StringBuilder sql, List<Object> args, java.util.Optional<?> value, String condition) {
        value.ifPresent(v -> {
            sql.append(condition);
            args.add(v);
        });
    }

    private static void where(StringBuilder sql, List<Object> args, java.util.OptionalLong value, String condition) {
        value.ifPresent(v -> {
            sql.append(condition);
            args.add(v);
        });
    }

    /** A page of the records matching {@code q}, newest first by start time. */
    static InvocationPage run(Connection db, InvocationQuery q) throws SQLException {
        return run(db, q, SCAN_BUDGET_MS);
    }

    static InvocationPage run(Connection db, InvocationQuery q, long budgetMs) throws SQLException {
        return run(db, q, budgetMs, MAX_PENDING_BYTES);
    }

    /**
     * Records a query holds decoded while it cannot yet tell where they go in its order: those of
     * chunks whose invocations ran long, so that a later chunk may still hold an earlier record.
     */
    static final long MAX_PENDING_BYTES = 64L << 20;

    static InvocationPage run(Connection db, InvocationQuery q, long budgetMs, long maxPendingBytes) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        // SQLite itself may scan many chunks for one row (filters on tags, outcomes, request ids
        // run in SQL): it is interrupted at the deadline too.
        org.sqlite.ProgressHandler.setHandler(db, PROGRESS_STEPS, new org.sqlite.ProgressHandler() {
            @Override
            protected int progress() {
                return System.nanoTime() - deadline > 0 ? 1 : 0;
            }
        });
        try {
            return scan(db, q, budgetMs, deadline, maxPendingBytes);
        } catch (SQLException e) {
            if (System.nanoTime() - deadline > 0) {
                throw tooBroad(0, budgetMs);
            }
            throw e;
        } finally {
            org.sqlite.ProgressHandler.clearHandler(db);
        }
    }

    private static PlatformException tooBroad(long scanned, long budgetMs) {
        return new PlatformException(Problem.INVALID_REQUEST, "The query read " + (scanned > 0 ? scanned + " records" : "")
                + (scanned > 0 ? " in " : "for ") + budgetMs + " ms without filling its page; narrow it with a "
                + "time range (since, until), a script, an outcome or a tag.");
    }

    private static InvocationPage scan(Connection db, InvocationQuery q, long budgetMs, long deadline, long maxPendingBytes)
            throws SQLException {
        long scanned = 0;
        // Chunks that may hold a match, newest first; their records are decoded and filtered here.
        StringBuilder sql = new StringBuilder("SELECT " + CHUNK_COLUMNS + " FROM invocation_chunks WHERE account_id = ?");
        List<Object> args = new ArrayList<>();
        args.add(q.accountId());
        where(sql, args, q.namespace(), " AND namespace = ?");
        where(sql, args, q.script(), " AND script = ?");
        where(sql, args, q.tag(), " AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)");
        where(sql, args, q.outcome(), " AND EXISTS (SELECT 1 FROM json_each(outcomes) WHERE value = ?)");
        where(sql, args, q.sinceMillis(), " AND last_ms >= ?");
        where(sql, args, q.untilMillis(), " AND first_ms <= ?");
        q.requestId().ifPresent(v -> {
            sql.append(" AND min_request <= ? AND max_request >= ?");
            args.add(v);
            args.add(v);
        });
        where(sql, args, q.after().map(c -> c.timeMillis()), " AND first_ms <= ?");
        // Chunks come newest record first; a record is final once no chunk still to read can
        // hold a later one, that is once its time is past the next chunk's last_ms.
        sql.append(" AND (last_ms < ? OR (last_ms = ? AND position < ?)) ORDER BY last_ms DESC, position DESC LIMIT ")
                .append(CHUNKS_PER_READ);
        Predicate<InvocationEntry> matches = RecordFilter.of(q);
        Pending pending = new Pending(maxPendingBytes);
        Page page = new Page(q.limit());
        long lastMs = Long.MAX_VALUE;
        long position = Long.MAX_VALUE;
        try (PreparedStatement st = db.prepareStatement(sql.toString())) {
            while (page.room()) {
                for (int i = 0; i < args.size(); i++) {
                    st.setObject(i + 1, args.get(i));
                }
                st.setLong(args.size() + 1, lastMs);
                st.setLong(args.size() + 2, lastMs);
                st.setLong(args.size() + 3, position);
                int read = 0;
                try (ResultSet rs = st.executeQuery()) {
                    while (page.room() && rs.next()) {
                        read++;
                        position = rs.getLong(1);
                        lastMs = rs.getLong(6);
                        while (!pending.isEmpty() && pending.peek().entry().timeMillis() > lastMs && page.room()) {
                            page.add(pending.poll());
                        }
                        if (System.nanoTime() - deadline > 0) {
                            throw tooBroad(scanned, budgetMs);
                        }
                        List<InvocationEntry> records = decode(rs);
                        scanned += records.size();
                        for (int i = 0; i < records.size(); i++) {
                            Positioned p = new Positioned(records.get(i), RecordChunk.position(position, i));
                            if (p.isBefore(q.after()) && matches.test(p.entry())) {
                                pending.add(p);
                            }
                        }
                    }
                }
                if (read < CHUNKS_PER_READ) {
                    while (!pending.isEmpty() && page.room()) {
                        page.add(pending.poll());
                    }
                    break;
                }
            }
        }
        return page.result();
    }

    /** Records a page holds at most, by their approximate size: a page of a thousand records of the largest kind is 50 MB. */
    static final long MAX_PAGE_BYTES = 8L << 20;

    /**
     * The records of a page as they are found, and one more: that one, if found, says a next
     * page exists. A page also ends at {@link #MAX_PAGE_BYTES}, with a cursor, whatever its limit.
     */
    private static final class Page {
        private final int limit;
        private final List<Positioned> records = new ArrayList<>();
        private long bytes;

        Page(int limit) {
            this.limit = limit;
        }

        boolean room() {
            return records.size() <= limit && bytes <= MAX_PAGE_BYTES;
        }

        void add(Positioned record) {
            records.add(record);
            bytes += record.entry().approximateBytes();
        }

        InvocationPage result() {
            boolean full = bytes > MAX_PAGE_BYTES;
            if (!full && records.size() <= limit) {
                return new InvocationPage(records.stream().map(Positioned::entry).toList(), Optional.empty());
            }
            // Full by size: the record that went past it starts the next page (unless it is the only one).
            int kept = full ? Math.max(1, Math.min(limit, records.size() - 1)) : limit;
            Positioned last = records.get(kept - 1);
            return new InvocationPage(records.subList(0, kept).stream().map(Positioned::entry).toList(),
                    Optional.of(new InvocationCursor(last.entry().timeMillis(), last.position())));
        }
    }

    /**
     * Decoded records not yet in the page, newest first, and what they hold: past its bound the
     * query is refused as too broad rather than hold an account's records in memory.
     */
    private static final class Pending {
        private final PriorityQueue<Positioned> records = new PriorityQueue<>(NEWEST_FIRST);
        private final long maxBytes;
        private long bytes;

        Pending(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        boolean isEmpty() {
            return records.isEmpty();
        }

        Positioned peek() {
            return records.peek();
        }

        Positioned poll() {
            Positioned p = records.poll();
            bytes -= p.entry().approximateBytes();
            return p;
        }

        void add(Positioned p) {
            records.add(p);
            bytes += p.entry().approximateBytes();
            if (bytes > maxBytes) {
                throw new PlatformException(Problem.INVALID_REQUEST, "The query holds more than " + (maxBytes >> 20)
                        + " MB of records it cannot order yet (invocations that ran long overlap many others); narrow it "
                        + "with a time range (since, until), a script, an outcome or a tag.");
            }
        }
    }

    /** A decoded record and its position, ordered newest first (by time, then by position). */
    private record Positioned(InvocationEntry entry, long position) {
        boolean isBefore(Optional<InvocationCursor> cursor) {
            return cursor.isEmpty() || entry.timeMillis() < cursor.get().timeMillis()
                    || (entry.timeMillis() == cursor.get().timeMillis() && position < cursor.get().position());
        }
    }

    private static final Comparator<Positioned> NEWEST_FIRST = Comparator
            .comparingLong((Positioned p) -> p.entry().timeMillis()).thenComparingLong(Positioned::position).reversed();

    /** A chunk's records; a damaged chunk is skipped (and logged) so that it never hides the others. */
    static List<InvocationEntry> decode(ResultSet rs) throws SQLException {
        try {
            return RecordChunk.decode(rs.getBytes(5), rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
        } catch (IOException | RuntimeException e) {
            LOG.warn("invocation records: chunk {} is damaged and is skipped: {}", rs.getLong(1), e.toString());
            return List.of();
        }
    }
}
