package dev.tenantd.store.sqlite;

import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.runtime.TenantdException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.sqlite.SQLiteDataSource;

/**
 * The connections of one SQLite file in WAL mode: a few that read, concurrently with each other
 * and with the writer, taken from a pool for one unit of work each; and at most one that writes,
 * one transaction at a time (SQLite has one writer anyway). Errors become
 * {@link TenantdException}s that name the database ({@code what}).
 */
final class SqliteConnections implements AutoCloseable {
    /** One unit of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection db) throws SQLException;
    }

    /**
     * How long a read waits for a connection before it is refused as overloaded: a caller
     * (a thread of the pool the API shares) never waits for long reads of others for good.
     */
    static final long READ_WAIT_MS = 10_000;

    private final String what;
    private final Optional<Connection> writer;
    private final BlockingQueue<Connection> readers;
    private final long readWaitMs;

    private SqliteConnections(String what, Optional<Connection> writer, BlockingQueue<Connection> readers,
            long readWaitMs) {
        this.what = what;
        this.writer = writer;
        this.readers = readers;
        this.readWaitMs = readWaitMs;
    }

    /** The same connections, with reads that wait at most {@code ms} for one (for tests). */
    SqliteConnections waitingAtMost(long ms) {
        return new SqliteConnections(what, writer, readers, ms);
    }

    /** {@code readers} reading connections (at least one) and a writing one. */
    static SqliteConnections readingAndWriting(SQLiteDataSource source, int readers, String what) throws SQLException {
        return new SqliteConnections(what, Optional.of(source.getConnection()), pool(source, readers), READ_WAIT_MS);
    }

    /** {@code readers} reading connections (at least one) and none that writes. */
    static SqliteConnections readingOnly(SQLiteDataSource source, int readers, String what) throws SQLException {
        return new SqliteConnections(what, Optional.empty(), pool(source, readers), READ_WAIT_MS);
    }

    private static BlockingQueue<Connection> pool(SQLiteDataSource source, int readers) throws SQLException {
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(Math.max(1, readers));
        for (int i = 0; i < Math.max(1, readers); i++) {
            pool.add(source.getConnection());
        }
        return pool;
    }

    /** The writing connection, for settings made once after opening. */
    Connection writer() {
        return writer.orElseThrow(() -> new IllegalStateException(what + " was opened for reading only"));
    }

    <T> T read(Work<T> work) {
        Connection db;
        try {
            db = readers.poll(readWaitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TenantdException("interrupted while waiting for a connection to the " + what);
        }
        if (db == null) {
            throw new PlatformException(Problem.OVERLOADED, "The " + what + " is busy with other reads (every one of its "
                    + "read connections has been taken for " + readWaitMs + " ms); try again shortly.");
        }
        try {
            return work.run(db);
        } catch (SQLException e) {
            throw new TenantdException(what + " error: " + e.getMessage(), e);
        } finally {
            readers.add(db);
        }
    }

    <T> T transaction(Work<T> work) {
        return transaction(work, e -> Optional.empty());
    }

    /**
     * Runs {@code work} in one transaction on the writing connection; a failure rolls it back.
     * {@code answers} turns the errors that are answers (a constraint a caller broke) into
     * exceptions of their own; any other is a {@link TenantdException}.
     */
    synchronized <T> T transaction(Work<T> work, Function<SQLException, Optional<RuntimeException>> answers) {
        Connection db = writer();
        try {
            db.setAutoCommit(false);
            try {
                T result = work.run(db);
                db.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw answers.apply(e).orElseGet(() -> new TenantdException(what + " error: " + e.getMessage(), e));
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (writer.isPresent()) {
                writer.get().close();
            }
            for (Connection c : readers) {
                c.close();
            }
        } catch (SQLException e) {
            throw new TenantdException("closing the " + what + ": " + e.getMessage(), e);
        }
    }
}
