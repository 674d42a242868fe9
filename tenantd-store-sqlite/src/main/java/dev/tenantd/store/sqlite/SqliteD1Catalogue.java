package dev.tenantd.store.sqlite;

import dev.tenantd.platform.d1.D1Catalogue;
import dev.tenantd.platform.d1.D1Database;
import dev.tenantd.platform.d1.D1Exception;
import dev.tenantd.runtime.TenantdException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The D1 catalogue in the embedded database ({@code tenantd.db}, table {@code d1_databases}),
 * on a connection of its own: names are unique per account by the table's unique key.
 */
public final class SqliteD1Catalogue implements D1Catalogue, AutoCloseable {
    private final Connection db;

    private SqliteD1Catalogue(Connection db) {
        this.db = db;
    }

    /** Opens the catalogue in {@code tenantd.db} under the data directory, migrating the schema if needed. */
    public static SqliteD1Catalogue open(Path dataDir) {
        try {
            // The catalogue's table is part of tenantd.db's schema; migrating again is a no-op.
            SQLiteDataSource dataSource = SqliteFiles.tenantd(dataDir);
            return new SqliteD1Catalogue(dataSource.getConnection());
        } catch (Exception e) {
            throw new TenantdException("cannot open the D1 catalogue in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private synchronized <T> T call(Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new TenantdException("D1 catalogue error: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<D1Database> create(D1Database database, int maxPerAccount) {
        return call(() -> {
            // One connection, used only under this object's lock: the count and the insert are one step.
            long count = count(database.accountId());
            if (count >= maxPerAccount) {
                throw new D1Exception(D1Exception.Kind.TOO_MANY, "This account has " + count + " D1 databases, the most "
                        + "it may have ([d1] databases-per-account is " + maxPerAccount + "); delete one first.");
            }
            try (PreparedStatement st = db.prepareStatement(
                    "INSERT INTO d1_databases (uuid, account_id, name, created_at, version) VALUES (?, ?, ?, ?, ?)")) {
                st.setString(1, database.uuid());
                st.setString(2, database.accountId());
                st.setString(3, database.name());
                st.setString(4, database.createdAt());
                st.setString(5, database.version());
                st.executeUpdate();
                return Optional.of(database);
            } catch (SQLiteException e) {
                if (e.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                        || e.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    private long count(String accountId) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("SELECT COUNT(*) FROM d1_databases WHERE account_id = ?")) {
            st.setString(1, accountId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    @Override
    public List<D1Database> list(String accountId) {
        return call(() -> rows("SELECT * FROM d1_databases WHERE account_id = ? ORDER BY created_at, name", accountId));
    }

    @Override
    public Optional<D1Database> byId(String accountId, String uuid) {
        return call(() -> rows("SELECT * FROM d1_databases WHERE account_id = ? AND uuid = ?", accountId, uuid)
                .stream().findFirst());
    }

    @Override
    public Optional<D1Database> byName(String accountId, String name) {
        return call(() -> rows("SELECT * FROM d1_databases WHERE account_id = ? AND name = ?", accountId, name)
                .stream().findFirst());
    }

    @Override
    public boolean exists(String uuid) {
        return call(() -> !rows("SELECT * FROM d1_databases WHERE uuid = ?", uuid).isEmpty());
    }

    @Override
    public boolean delete(String accountId, String uuid) {
        return call(() -> {
            try (PreparedStatement st = db.prepareStatement("DELETE FROM d1_databases WHERE account_id = ? AND uuid = ?")) {
                st.setString(1, accountId);
                st.setString(2, uuid);
                return st.executeUpdate() == 1;
            }
        });
    }

    private List<D1Database> rows(String sql, String... params) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setString(i + 1, params[i]);
            }
            List<D1Database> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new D1Database(rs.getString("uuid"), rs.getString("account_id"), rs.getString("name"),
                            rs.getString("created_at"), rs.getString("version")));
                }
            }
            return out;
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // nothing is pending: every call is its own statement
        }
    }
}
