package dev.tenantd.platform.d1;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteLimits;
import org.sqlite.SQLiteOpenMode;

/**
 * One open D1 database file. Used by one thread at a time (its lane in {@link D1Engine});
 * every call is one transaction, committed whole or rolled back whole.
 *
 * <p>What keeps a worker inside its file: SQLite's attached-database limit is 0 (so no
 * {@code ATTACH}, however it is spelled), extension loading stays off, statements that
 * reach other files or the transaction are refused ({@link SqlScript#refusal}), and
 * {@code max_page_count} caps the file's size. A progress handler interrupts a call
 * that passes its deadline.
 */
final class OpenDatabase implements AutoCloseable {
    /** Virtual machine steps between deadline checks: frequent enough to stop within milliseconds. */
    private static final int PROGRESS_STEPS = 1_000;
    private static final int CELL_OVERHEAD_BYTES = 16;

    enum Mode {
        /** Statements as a worker or API client sends them. */
        QUERY,
        /** An SQL dump: its own {@code BEGIN TRANSACTION}/{@code COMMIT} lines are skipped. */
        IMPORT
    }

    /** What a database's write-ahead log is cut back to once it has been copied into the database. */
    static final long JOURNAL_LIMIT_BYTES = 4L << 20;

    private final Connection db;
    private final SQLiteConnection sqlite;
    private final D1Limits limits;
    private final long pageSize;
    private volatile long deadline = Long.MAX_VALUE;
    private volatile boolean timedOut;

    private OpenDatabase(Connection db, D1Limits limits) throws SQLException {
        this.db = db;
        this.sqlite = db.unwrap(SQLiteConnection.class);
        this.limits = limits;
        sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
        sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, D1Limits.MAX_SQL_BYTES);
        sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_VARIABLE_NUMBER, D1Limits.MAX_PARAMETERS);
        sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, D1Limits.MAX_VALUE_BYTES);
        sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_COLUMN, D1Limits.MAX_COLUMNS);
        // LIKE and GLOB take time of the order of the text's length times the pattern's: a
        // pattern of SQLite's default 50,000 bytes could hold a thread for minutes between two
        // checks of the time limit.
        sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, D1Limits.MAX_PATTERN_BYTES);
        sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG, D1Limits.MAX_FUNCTION_ARGUMENTS);
        this.pageSize = pragma("page_size");
        try (Statement st = db.createStatement()) {
            long pages = Math.max(1, limits.databaseBytes() / pageSize);
            st.execute("PRAGMA max_page_count = " + pages);
            // TEMP tables live in a database of their own (a file that no longer has a name, or
            // memory), which the limit on the main file does not reach.
            st.execute("PRAGMA temp.max_page_count = " + pages);
            // The write-ahead log keeps the size of the largest transaction since it was made
            // unless told otherwise: each database could take twice its limit on disk.
            st.execute("PRAGMA journal_size_limit = " + JOURNAL_LIMIT_BYTES);
        }
        ProgressHandler.setHandler(db, PROGRESS_STEPS, new ProgressHandler() {
            @Override
            protected int progress() {
                if (System.nanoTime() - deadline > 0) {
                    timedOut = true;
                    return 1;
                }
                return 0;
            }
        });
        db.setAutoCommit(false);
    }

    /**
     * The milliseconds since {@code started} (nanoTime), whole: a worker reads them, and the
     * database runs on the cores every tenant shares, so they time no finer than its clock does.
     */
    static double wholeMillis(long started) {
        return Math.floor((System.nanoTime() - started) / 1e6);
    }

    /** Opens an existing database file; with {@code create}, makes it first. */
    static OpenDatabase open(Path file, D1Limits limits, OpenMode mode) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // A write answered is on the disk: it survives a power cut, not only a crash of the server.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.enableLoadExtension(false);
        config.setBusyTimeout(5_000);
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        if (mode == OpenMode.CREATE) {
            config.setOpenMode(SQLiteOpenMode.CREATE);
        }
        try {
            if (mode == OpenMode.CREATE) {
                dev.tenantd.platform.store.OwnerOnlyFiles.ensure(file);
            } else {
                dev.tenantd.platform.store.OwnerOnlyFiles.tighten(file); // made by an earlier version, perhaps
            }
        } catch (java.io.IOException e) {
            throw new D1Exception(D1Exception.Kind.SQL, "the database file cannot be prepared (" + e.getMessage() + ")");
        }
        Connection connection = null;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
            return new OpenDatabase(connection, limits);
        } catch (SQLException e) {
            if (connection != null) {
                try {
                    connection.close(); // set up failed (a damaged file): the handle must not outlive it
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new D1Exception(D1Exception.Kind.NOT_FOUND, "the database file cannot be opened ("
                    + e.getMessage() + "); it may have been deleted");
        }
    }

    enum OpenMode { EXISTING, CREATE }

    /**
     * Runs statements in one transaction: all of them take effect or none. The result has,
     * per statement given, the results of the SQL statements its text holds.
     */
    List<List<D1Result>> run(List<D1Statement> statements, Mode mode) {
        timedOut = false;
        deadline = System.nanoTime() + limits.queryTime().toNanos();
        long[] resultBytes = {0};
        try {
            List<List<D1Result>> out = new ArrayList<>();
            for (D1Statement statement : statements) {
                out.add(runOne(statement, mode, resultBytes));
            }
            db.commit();
            long size = size();
            // ends the read that measuring began, so no snapshot stays open between calls
            db.commit();
            return out.stream().map(rs -> rs.stream().map(r -> new D1Result(r.columns(), r.rows(),
                    r.meta().withSizeAfter(size))).toList()).toList();
        } catch (SQLException e) {
            rollback();
            throw timedOut ? timeLimit() : sqlError(e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        } finally {
            deadline = Long.MAX_VALUE;
        }
    }

    /**
     * Runs a script of statements (D1's {@code exec()}) in one transaction and counts them.
     * A failing statement is named by the line it starts on.
     */
    D1Databases.ExecResult exec(String sql) {
        List<SqlScript.Statement> parts = SqlScript.split(sql);
        if (parts.isEmpty()) {
            throw new D1Exception(D1Exception.Kind.EXEC, "Error in line 1: " + sql.strip() + ": No SQL statements detected.");
        }
        timedOut = false;
        deadline = System.nanoTime() + limits.queryTime().toNanos();
        long started = System.nanoTime();
        long[] resultBytes = {0};
        SqlScript.Statement current = parts.getFirst();
        try {
            for (SqlScript.Statement part : parts) {
                current = part;
                runOne(new D1Statement(part.sql(), List.of()), Mode.QUERY, resultBytes);
            }
            db.commit();
            return new D1Databases.ExecResult(parts.size(), wholeMillis(started));
        } catch (SQLException | D1Exception e) {
            rollback();
            D1Exception d1 = e instanceof D1Exception x ? x : timedOut ? timeLimit() : sqlError((SQLException) e);
            throw new D1Exception(D1Exception.Kind.EXEC, "Error in line " + current.line() + ": " + current.sql() + ": "
                    + d1.getMessage());
        } catch (RuntimeException e) {
            rollback();
            throw e;
        } finally {
            deadline = Long.MAX_VALUE;
        }
    }

    private D1Exception timeLimit() {
        return new D1Exception(D1Exception.Kind.TIME_LIMIT, "the query exceeded its time limit of "
                + limits.queryTime().toMillis() + " ms and was stopped; nothing it wrote was kept: SQLITE_INTERRUPT");
    }

    private List<D1Result> runOne(D1Statement statement, Mode mode, long[] resultBytes) throws SQLException {
        List<SqlScript.Statement> parts = SqlScript.split(statement.sql());
        if (mode == Mode.IMPORT) {
            parts = parts.stream().filter(p -> !SqlScript.isDumpTransactionMarker(p)).toList();
        } else if (parts.isEmpty()) {
            throw new D1Exception(D1Exception.Kind.SQL, "No SQL statements detected.");
        }
        if (parts.size() > 1 && !statement.params().isEmpty()) {
            throw new D1Exception(D1Exception.Kind.INVALID, "a statement with parameters must hold exactly one SQL "
                    + "statement; it holds " + parts.size() + " (prepare each one and send them with batch())");
        }
        List<D1Result> results = new ArrayList<>();
        for (SqlScript.Statement part : parts) {
            Optional<String> refused = SqlScript.refusal(part);
            if (refused.isPresent()) {
                throw new D1Exception(D1Exception.Kind.SQL, "not authorized: " + refused.get() + ": SQLITE_AUTH");
            }
            results.add(execute(part, statement.params(), resultBytes));
        }
        return results;
    }

    private D1Result execute(SqlScript.Statement part, List<SqlValue> params, long[] resultBytes) throws SQLException {
        long changesBefore = sqlite.getDatabase().total_changes();
        long started = System.nanoTime();
        List<String> columns = new ArrayList<>();
        List<List<SqlValue>> rows = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(part.sql())) {
            int expected = ps.getParameterMetaData().getParameterCount();
            if (expected != params.size()) {
                throw new D1Exception(D1Exception.Kind.SQL, "Wrong number of parameter bindings for SQL query: the "
                        + "statement has " + expected + " and " + params.size() + " were bound: SQLITE_RANGE");
            }
            for (int i = 0; i < params.size(); i++) {
                bind(ps, i + 1, params.get(i));
            }
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    int n = md.getColumnCount();
                    for (int c = 1; c <= n; c++) {
                        columns.add(md.getColumnLabel(c));
                    }
                    while (rs.next()) {
                        List<SqlValue> row = new ArrayList<>(n);
                        for (int c = 1; c <= n; c++) {
                            SqlValue v = cell(rs.getObject(c));
                            resultBytes[0] += CELL_OVERHEAD_BYTES + switch (v) {
                                case SqlValue.Text t -> 2L * t.value().length();
                                case SqlValue.Blob b -> b.length();
                                default -> 0L;
                            };
                            // checked after each cell: a row of 100 values of 2 MB would be 400 MB of strings
                            if (resultBytes[0] > limits.resultBytes()) {
                                throw new D1Exception(D1Exception.Kind.INVALID, "the result is larger than "
                                        + limits.resultBytes() + " bytes; select fewer rows or columns (add a LIMIT)");
                            }
                            row.add(v);
                        }
                        rows.add(row);
                    }
                }
            }
        }
        double duration = wholeMillis(started);
        long changes = sqlite.getDatabase().total_changes() - changesBefore;
        long lastRowId = pragmaQuery("SELECT last_insert_rowid()");
        boolean changed = changes > 0 || SqlScript.changesSchema(part);
        return new D1Result(columns, rows, new D1Result.Meta(duration, changes, lastRowId, changed, 0, rows.size(),
                changes));
    }

    private static void bind(PreparedStatement ps, int index, SqlValue value) throws SQLException {
        switch (value) {
            case SqlValue.Null n -> ps.setNull(index, Types.NULL);
            case SqlValue.Integer i -> ps.setLong(index, i.value());
            case SqlValue.Real r -> ps.setDouble(index, r.value());
            case SqlValue.Text t -> ps.setString(index, t.value());
            case SqlValue.Blob b -> ps.setBytes(index, b.value());
        }
    }

    private static SqlValue cell(Object value) {
        return switch (value) {
            case null -> SqlValue.NULL;
            case Integer i -> SqlValue.integer(i);
            case Long l -> SqlValue.integer(l);
            case Double d -> SqlValue.real(d);
            case Float f -> SqlValue.real(f);
            case byte[] b -> SqlValue.blob(b);
            default -> SqlValue.text(value.toString());
        };
    }

    /** The file's size in bytes: pages in use times page size. */
    long size() throws SQLException {
        return pragma("page_count") * pageSize;
    }

    /** How many tables of the user's the database has. */
    long tableCount() throws SQLException {
        // tables named _cf_* are Cloudflare's own in D1, not the user's
        long n = pragmaQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                + "AND name NOT LIKE '_cf_%'");
        db.commit();
        return n;
    }

    private long pragma(String name) throws SQLException {
        return pragmaQuery("PRAGMA " + name);
    }

    private long pragmaQuery(String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException e) {
            // A connection that cannot roll back is closed, which abandons the transaction;
            // its lane opens the file afresh for the next call.
            close();
        }
    }

    boolean isOpen() {
        try {
            return !db.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * D1's form of an SQLite error: SQLite's own message, a colon and the primary result code,
     * and the extended code when there is one ({@code UNIQUE constraint failed: t.k:
     * SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)}), which applications match on.
     */
    static D1Exception sqlError(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String code = "SQLITE_ERROR";
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode extended = se.getResultCode();
            SQLiteErrorCode primary = SQLiteErrorCode.getErrorCode(extended.code & 0xff);
            code = primary == SQLiteErrorCode.UNKNOWN_ERROR ? extended.name() : primary.name();
            if (primary != SQLiteErrorCode.UNKNOWN_ERROR && extended != primary && extended != SQLiteErrorCode.UNKNOWN_ERROR) {
                code += " (extended: " + extended.name() + ")";
            }
            // sqlite-jdbc writes "[CODE] generic description (SQLite's message)"
            int open = message.indexOf(" (");
            if (message.startsWith("[") && open > 0 && message.endsWith(")")) {
                message = message.substring(open + 2, message.length() - 1);
            }
        }
        return new D1Exception(D1Exception.Kind.SQL, message + ": " + code);
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing only releases the file; every call has committed or rolled back already
        }
    }
}
