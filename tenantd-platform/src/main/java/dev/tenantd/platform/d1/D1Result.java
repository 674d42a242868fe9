package dev.tenantd.platform.d1;

import java.util.List;
import java.util.Objects;

/** What one SQL statement gave: its column names, its rows, and D1's {@code meta}. */
public record D1Result(List<String> columns, List<List<SqlValue>> rows, Meta meta) {
    public D1Result {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        Objects.requireNonNull(meta, "meta");
    }

    /**
     * D1's {@code meta}. {@code rowsRead} counts the rows a statement returned and
     * {@code rowsWritten} the rows it changed (SQLite's own scan counters are not reachable
     * through JDBC); {@code sizeAfter} is the database's size in bytes after the call.
     */
    public record Meta(double durationMs, long changes, long lastRowId, boolean changedDb, long sizeAfter,
            long rowsRead, long rowsWritten) {
        public Meta withSizeAfter(long bytes) {
            return new Meta(durationMs, changes, lastRowId, changedDb, bytes, rowsRead, rowsWritten);
        }
    }
}
