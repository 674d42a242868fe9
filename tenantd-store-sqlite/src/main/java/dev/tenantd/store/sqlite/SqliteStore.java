package dev.tenantd.store.sqlite;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.Account;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.Deployment;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.ModuleRef;
import dev.tenantd.platform.Namespace;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptLimits;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import dev.tenantd.platform.store.ScriptPage;
import dev.tenantd.platform.store.ScriptQuery;
import dev.tenantd.platform.store.Store;
import dev.tenantd.runtime.ModuleType;
import dev.tenantd.runtime.TenantdException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite database in WAL mode. Writes go through one connection, one
 * transaction at a time (SQLite has one writer anyway); reads take one of a few connections
 * of their own, so that an API token's check never waits for another account's long read or
 * write. The platform keeps hot reads in memory.
 */
public final class SqliteStore implements Store {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Connections that read at once. */
    static final int READERS = 4;
    private final SQLiteDataSource dataSource;
    /** The connection that writes; used only while holding {@link #writing}. */
    private final Connection db;
    private final Object writing = new Object();
    private final SqliteConnections readers;
    /** The connection the current thread's unit of work runs on: a reader, or the writer in a transaction. */
    private final ThreadLocal<Connection> current = new ThreadLocal<>();

    private SqliteStore(SQLiteDataSource dataSource) throws SQLException {
        this.dataSource = dataSource;
        this.db = dataSource.getConnection();
        this.readers = SqliteConnections.readingOnly(dataSource, READERS, "database");
    }

    /** Opens (creating and migrating if needed) {@code tenantd.db} in a directory. */
    public static SqliteStore open(Path dataDir) {
        try {
            SQLiteDataSource dataSource = SqliteFiles.tenantd(dataDir);
            return new SqliteStore(dataSource);
        } catch (Exception e) {
            throw new TenantdException("cannot open the database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static String now() {
        return dev.tenantd.platform.Platform.TIMESTAMP.format(Instant.now());
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws Exception;
    }

    /** Runs a read on a reading connection (or, inside a transaction, on the writer, which sees its writes). */
    <T> T read(Work<T> work) {
        if (current.get() != null) {
            return run(work);
        }
        return readers.read(connection -> {
            current.set(connection);
            try {
                return run(work);
            } finally {
                current.remove();
            }
        });
    }

    private static <T> T run(Work<T> work) {
        try {
            return work.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TenantdException("database error: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T atomically(java.util.function.Supplier<T> work) {
        return transaction(work::get);
    }

    /** Runs {@code work} in a transaction on the writer, or as part of the one this thread is in. */
    private <T> T transaction(Work<T> work) {
        synchronized (writing) {
            Connection outer = current.get();
            if (outer == db) {
                // Nested in a transaction (see atomically): the outer one commits or rolls back.
                try {
                    return work.run();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    if (conflictIfUnique(e) instanceof RuntimeException conflict) {
                        throw conflict;
                    }
                    throw new TenantdException("database error: " + e.getMessage(), e);
                }
            }
            current.set(db);
            try {
                db.setAutoCommit(false);
                try {
                    T result = work.run();
                    db.commit();
                    return result;
                } catch (Exception e) {
                    try {
                        db.rollback();
                    } catch (SQLException rollback) {
                        // SQLite may have rolled back already (a full disk): the cause is what matters.
                        e.addSuppressed(rollback);
                    }
                    throw conflictIfUnique(e);
                } finally {
                    db.setAutoCommit(true);
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new TenantdException("database error: " + e.getMessage(), e);
            } finally {
                if (outer == null) {
                    current.remove();
                } else {
                    current.set(outer);
                }
            }
        }
    }

    /**
     * A write that broke a unique key lost a race with another writer (two uploads that
     * both took the next version number): a conflict the client can retry.
     */
    private static Exception conflictIfUnique(Exception e) {
        if (e instanceof org.sqlite.SQLiteException sqlite
                && (sqlite.getResultCode() == org.sqlite.SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                        || sqlite.getResultCode() == org.sqlite.SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY)) {
            return new PlatformException(Problem.CONFLICT,
                    "Another change to the same script was stored at the same moment; send the request again.");
        }
        return e;
    }

    /** The connection of the current unit of work. */
    private Connection connection() {
        Connection connection = current.get();
        if (connection == null) {
            throw new IllegalStateException("a statement outside read() or transaction()");
        }
        return connection;
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement st = connection().prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            st.setObject(i + 1, params[i]);
        }
        return st;
    }

    private int update(String sql, Object... params) throws SQLException {
        try (PreparedStatement st = prepare(sql, params)) {
            return st.executeUpdate();
        }
    }

    // ---- accounts

    @Override
    public Account ensureAccount(String id, String name) {
        return transaction(() -> {
            update("INSERT OR IGNORE INTO accounts (id, name, created_on) VALUES (?, ?, ?)", id, name, now());
            return accountRow(id).orElseThrow();
        });
    }

    @Override
    public Optional<Account> account(String id) {
        return read(() -> accountRow(id));
    }

    private Optional<Account> accountRow(String id) throws SQLException {
        try (PreparedStatement st = prepare("SELECT id, name, created_on FROM accounts WHERE id = ?", id);
                ResultSet rs = st.executeQuery()) {
            return rs.next() ? Optional.of(new Account(rs.getString(1), rs.getString(2), rs.getString(3))) : Optional.empty();
        }
    }

    @Override
    public List<Account> accounts() {
        return read(() -> {
            List<Account> out = new ArrayList<>();
            try (PreparedStatement st = prepare("SELECT id, name, created_on FROM accounts ORDER BY created_on");
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Account(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        });
    }

    @Override
    public void putToken(String accountId, String tokenSha256, String name) {
        transaction(() -> {
            update("DELETE FROM api_tokens WHERE name = ? AND token_sha256 <> ?", name, tokenSha256);
            return update("INSERT OR REPLACE INTO api_tokens (token_sha256, account_id, name, created_on) "
                    + "VALUES (?, ?, ?, ?)", tokenSha256, accountId, name, now());
        });
    }

    @Override
    public Optional<String> tokenAccount(String tokenSha256) {
        return read(() -> {
            try (PreparedStatement st = prepare("SELECT account_id FROM api_tokens WHERE token_sha256 = ?", tokenSha256);
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    // ---- namespaces

    /** Removes the asset manifests stored before a time that no version names. */
    static final String UNUSED_MANIFESTS = "DELETE FROM asset_manifests WHERE created_at < ? AND NOT EXISTS "
            + "(SELECT 1 FROM script_versions v WHERE v.assets = asset_manifests.id)";

    private static final String NAMESPACE_COLUMNS = "n.id, n.account_id, n.name, n.created_on, n.modified_on, "
            + "n.trusted_workers, (SELECT COUNT(*) FROM scripts s WHERE s.namespace_id = n.id), n.egress";

    /** The query of the namespaces matching {@code where}, with their script counts. */
    static String namespaceSql(String where) {
        return "SELECT " + NAMESPACE_COLUMNS + " FROM namespaces n WHERE " + where + " ORDER BY n.created_on, n.name";
    }

    private List<Namespace> namespaceRows(String where, Object... params) throws Exception {
        List<Namespace> out = new ArrayList<>();
        try (PreparedStatement st = prepare(namespaceSql(where), params); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(new Namespace(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6) != 0, rs.getInt(7), egress(rs.getString(8))));
            }
        }
        return out;
    }

    @Override
    public List<Namespace> namespaces(String accountId) {
        return read(() -> namespaceRows("n.account_id = ?", accountId));
    }

    @Override
    public Optional<Namespace> namespace(String accountId, String name) {
        return read(() -> namespaceRows("n.account_id = ? AND n.name = ?", accountId, name).stream().findFirst());
    }

    @Override
    public Optional<Namespace> namespaceById(String namespaceId) {
        return read(() -> namespaceRows("n.id = ?", namespaceId).stream().findFirst());
    }

    @Override
    public Optional<Namespace> createNamespace(String accountId, String name) {
        return transaction(() -> {
            if (!namespaceRows("n.account_id = ? AND n.name = ?", accountId, name).isEmpty()) {
                return Optional.empty();
            }
            String id = UUID.randomUUID().toString();
            String now = now();
            update("INSERT INTO namespaces (id, account_id, name, created_on, modified_on) VALUES (?, ?, ?, ?, ?)",
                    id, accountId, name, now, now);
            return namespaceRows("n.id = ?", id).stream().findFirst();
        });
    }

    @Override
    public Optional<Namespace> renameNamespace(String namespaceId, String newName) {
        return transaction(() -> {
            Namespace ns = namespaceRows("n.id = ?", namespaceId).stream().findFirst().orElseThrow();
            if (!namespaceRows("n.account_id = ? AND n.name = ?", ns.accountId(), newName).isEmpty()) {
                return Optional.empty();
            }
            update("UPDATE namespaces SET name = ?, modified_on = ? WHERE id = ?", newName, now(), namespaceId);
            return namespaceRows("n.id = ?", namespaceId).stream().findFirst();
        });
    }

    @Override
    public Optional<Namespace> setNamespaceEgress(String namespaceId, EgressPolicy policy) {
        return transaction(() -> {
            update("UPDATE namespaces SET egress = ?, modified_on = ? WHERE id = ?",
                    JSON.writeValueAsString(policy.toJson()), now(), namespaceId);
            return namespaceRows("n.id = ?", namespaceId).stream().findFirst();
        });
    }

    @Override
    public Optional<Namespace> setNamespaceTrustedWorkers(String namespaceId, boolean trusted) {
        return transaction(() -> {
            update("UPDATE namespaces SET trusted_workers = ?, modified_on = ? WHERE id = ?", trusted ? 1 : 0, now(),
                    namespaceId);
            return namespaceRows("n.id = ?", namespaceId).stream().findFirst();
        });
    }

    @Override
    public boolean deleteNamespace(String namespaceId) {
        return transaction(() -> {
            update("DELETE FROM deployments WHERE script_id IN (SELECT id FROM scripts WHERE namespace_id = ?)",
                    namespaceId);
            update("DELETE FROM script_versions WHERE script_id IN (SELECT id FROM scripts WHERE namespace_id = ?)",
                    namespaceId);
            update("DELETE FROM scripts WHERE namespace_id = ?", namespaceId);
            update("DELETE FROM assets WHERE namespace_id = ?", namespaceId);
            return update("DELETE FROM namespaces WHERE id = ?", namespaceId) > 0;
        });
    }

    // ---- scripts

    private static final String VERSION_COLUMNS = "v.id, v.script_id, v.number, v.main_module, v.service_worker, "
            + "v.compatibility_date, v.compatibility_flags, v.modules, v.bindings, v.etag, v.startup_time_ms, "
            + "v.created_on, v.limits, v.egress, v.source, v.assets";

    /** Reads the 16 {@link #VERSION_COLUMNS} starting at column {@code at}. */
    private static ScriptVersion versionAt(ResultSet rs, int at) throws Exception {
        return new ScriptVersion(rs.getString(at), rs.getString(at + 1), rs.getInt(at + 2), rs.getString(at + 3),
                rs.getInt(at + 4) != 0, rs.getString(at + 5),
                JSON.readValue(rs.getString(at + 6), new TypeReference<List<String>>() { }),
                modules(rs.getString(at + 7)), bindings(rs.getString(at + 8)), limits(rs.getString(at + 12)),
                egress(rs.getString(at + 13)), rs.getString(at + 9), rs.getLong(at + 10), rs.getString(at + 11),
                rs.getString(at + 14), rs.getString(at + 15));
    }

    private static final String DEPLOYMENT_COLUMNS = "d.id, d.created_on, d.versions, d.message, d.source";

    private static Deployment deploymentAt(ResultSet rs, int at) throws Exception {
        List<Deployment.Split> splits = new ArrayList<>();
        for (JsonNode v : JSON.readTree(rs.getString(at + 2))) {
            splits.add(new Deployment.Split(v.get("version_id").asText(), v.get("percentage").asDouble()));
        }
        return new Deployment(rs.getString(at), rs.getString(at + 1), splits, rs.getString(at + 3), rs.getString(at + 4));
    }

    private List<Script> scriptRows(String where, Object... params) throws Exception {
        return scriptWindow(where, "", params);
    }

    /** The query of the scripts matching {@code where} in creation order; {@code window} may add LIMIT and OFFSET. */
    static String scriptWindowSql(String where, String window) {
        return "SELECT s.id, s.account_id, s.namespace_id, s.name, s.tags, s.created_on, "
                + "s.modified_on, s.settings, " + VERSION_COLUMNS + ", " + DEPLOYMENT_COLUMNS
                + " FROM scripts s JOIN script_versions v ON v.id = s.current_version_id "
                + "JOIN deployments d ON d.id = s.deployment_id WHERE " + where + " ORDER BY s.created_on, s.name" + window;
    }

    /** Scripts matching {@code where} in creation order; {@code window} may add LIMIT and OFFSET. */
    private List<Script> scriptWindow(String where, String window, Object... params) throws Exception {
        List<Script> out = new ArrayList<>();
        try (PreparedStatement st = prepare(scriptWindowSql(where, window), params); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                ScriptVersion current = versionAt(rs, 9);
                Deployment deployment = deploymentAt(rs, 25);
                out.add(new Script(rs.getString(1), new ScriptRef(rs.getString(2), rs.getString(3), rs.getString(4)),
                        rs.getString(6), rs.getString(7),
                        JSON.readValue(rs.getString(5), new TypeReference<List<String>>() { }), current, deployment,
                        List.of(), rs.getString(8)));
            }
        }
        // A split deployment serves more than one version: load the others too.
        for (int i = 0; i < out.size(); i++) {
            Script s = out.get(i);
            List<ScriptVersion> deployed = new ArrayList<>();
            for (Deployment.Split split : s.deployment().versions()) {
                deployed.add(split.versionId().equals(s.current().id()) ? s.current()
                        : versionRow(split.versionId()).orElseThrow(() -> new IllegalStateException(
                                "deployment " + s.deployment().id() + " names a missing version " + split.versionId())));
            }
            out.set(i, new Script(s.id(), s.ref(), s.createdOn(), s.modifiedOn(), s.tags(), s.current(),
                    s.deployment(), deployed, s.settingsJson()));
        }
        return out;
    }

    private Optional<ScriptVersion> versionRow(String versionId) throws Exception {
        try (PreparedStatement st = prepare("SELECT " + VERSION_COLUMNS + " FROM script_versions v WHERE v.id = ?",
                versionId); ResultSet rs = st.executeQuery()) {
            return rs.next() ? Optional.of(versionAt(rs, 1)) : Optional.empty();
        }
    }

    private Optional<String> scriptId(ScriptRef ref) throws SQLException {
        try (PreparedStatement st = prepare("SELECT id FROM scripts WHERE account_id = ? AND namespace_id = ? AND name = ?",
                ref.accountId(), ref.namespaceId(), ref.name()); ResultSet rs = st.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    @Override
    public Optional<Script> script(ScriptRef ref) {
        return read(() -> scriptRows("s.account_id = ? AND s.namespace_id = ? AND s.name = ?",
                ref.accountId(), ref.namespaceId(), ref.name()).stream().findFirst());
    }

    @Override
    public List<Script> scripts(String accountId, String namespaceId) {
        return read(() -> scriptRows("s.account_id = ? AND s.namespace_id = ?", accountId, namespaceId));
    }

    @Override
    public ScriptPage scripts(String accountId, String namespaceId, ScriptQuery query) {
        StringBuilder where = new StringBuilder("s.account_id = ? AND s.namespace_id = ?");
        List<Object> params = new ArrayList<>(List.of(accountId, namespaceId));
        query.namePrefix().ifPresent(prefix -> {
            // The range lets the (account, namespace, name) index find the names; substr makes it exact.
            where.append(" AND s.name >= ? AND s.name < ? AND substr(s.name, 1, length(?)) = ?");
            params.addAll(List.of(prefix, prefix + "\uDBFF\uDFFF", prefix, prefix));
        });
        for (String tag : query.requiredTags()) {
            where.append(" AND EXISTS (SELECT 1 FROM json_each(s.tags) t WHERE t.value = ?)");
            params.add(tag);
        }
        for (String tag : query.excludedTags()) {
            where.append(" AND NOT EXISTS (SELECT 1 FROM json_each(s.tags) t WHERE t.value = ?)");
            params.add(tag);
        }
        return read(() -> {
            int total;
            try (PreparedStatement st = prepare("SELECT COUNT(*) FROM scripts s WHERE s.current_version_id IS NOT NULL "
                    + "AND s.deployment_id IS NOT NULL AND " + where, params.toArray()); ResultSet rs = st.executeQuery()) {
                total = rs.next() ? rs.getInt(1) : 0;
            }
            if (query.limit() == 0 || query.offset() >= total) {
                return new ScriptPage(List.of(), total);
            }
            List<Object> windowed = new ArrayList<>(params);
            windowed.add(query.limit());
            windowed.add(query.offset());
            return new ScriptPage(scriptWindow(where.toString(), " LIMIT ? OFFSET ?", windowed.toArray()), total);
        });
    }

    @Override
    public Script saveVersion(ScriptRef ref, ScriptVersion version, Optional<Deployment> deployment) {
        return transaction(() -> {
            // A namespace deleted while the upload was being checked takes no script with it: the
            // script would outlive it, reachable by nothing and deleted by nothing.
            if (!ref.namespaceId().isEmpty()) {
                try (PreparedStatement st = prepare("SELECT 1 FROM namespaces WHERE id = ?", ref.namespaceId());
                        ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        throw new PlatformException(Problem.NAMESPACE_NOT_FOUND, "The dispatch namespace of worker '"
                                + ref.name() + "' was deleted while the worker was being stored; nothing was stored.");
                    }
                }
            }
            Optional<String> existing = scriptId(ref);
            String scriptId = existing.orElseGet(() -> UUID.randomUUID().toString());
            if (existing.isEmpty()) {
                if (deployment.isEmpty()) {
                    throw new IllegalArgumentException("a new script needs a deployment for its first version");
                }
                // A new script comes into being with its first deployment: one timestamp for both,
                // so that created_on is never later than modified_on.
                String createdOn = deployment.get().createdOn();
                update("INSERT INTO scripts (id, account_id, namespace_id, name, created_on, modified_on) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", scriptId, ref.accountId(), ref.namespaceId(), ref.name(),
                        createdOn, createdOn);
            }
            update("INSERT INTO script_versions (id, script_id, number, main_module, service_worker, compatibility_date, "
                            + "compatibility_flags, modules, bindings, etag, startup_time_ms, created_on, limits, egress, source, assets) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    version.id(), scriptId, version.number(), version.mainModule(), version.serviceWorker() ? 1 : 0,
                    version.compatibilityDate(), JSON.writeValueAsString(version.compatibilityFlags()),
                    modulesJson(version.modules()), bindingsJson(version.bindings()), version.etag(),
                    version.startupTimeMs(), version.createdOn(), limitsJson(version.limits()),
                    JSON.writeValueAsString(version.egress().toJson()), version.source(), version.assetsId());
            if (deployment.isPresent()) {
                activate(scriptId, deployment.get());
            }
            prune(scriptId);
            return scriptRows("s.id = ?", scriptId).getFirst();
        });
    }

    @Override
    public Script deploy(ScriptRef ref, Deployment deployment) {
        return transaction(() -> {
            String scriptId = scriptId(ref).orElseThrow(() -> new IllegalArgumentException("no script " + ref));
            activate(scriptId, deployment);
            prune(scriptId);
            return scriptRows("s.id = ?", scriptId).getFirst();
        });
    }

    /**
     * Removes the script's deployments beyond the newest {@link #KEPT_VERSIONS} (never the active
     * one), then its versions beyond the newest {@link #KEPT_VERSIONS} that no kept deployment
     * names, so that every deployment listed can be rolled back to.
     */
    private void prune(String scriptId) throws Exception {
        update("DELETE FROM deployments WHERE script_id = ? AND id NOT IN (SELECT id FROM deployments WHERE "
                + "script_id = ? ORDER BY rowid DESC LIMIT " + KEPT_VERSIONS + ") AND id IS NOT "
                + "(SELECT deployment_id FROM scripts WHERE id = ?)", scriptId, scriptId, scriptId);
        update("DELETE FROM script_versions WHERE script_id = ? AND id NOT IN (SELECT id FROM script_versions "
                + "WHERE script_id = ? ORDER BY number DESC LIMIT " + KEPT_VERSIONS + ") AND id NOT IN (SELECT "
                + "json_extract(j.value, '$.version_id') FROM deployments d, json_each(d.versions) j WHERE "
                + "d.script_id = ?)", scriptId, scriptId, scriptId);
    }

    private void activate(String scriptId, Deployment deployment) throws Exception {
        ArrayNode versions = JSON.createArrayNode();
        for (Deployment.Split split : deployment.versions()) {
            try (PreparedStatement st = prepare("SELECT 1 FROM script_versions WHERE id = ? AND script_id = ?",
                    split.versionId(), scriptId); ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("version " + split.versionId() + " is not a version of this script");
                }
            }
            versions.addObject().put("version_id", split.versionId()).put("percentage", split.percentage());
        }
        update("INSERT INTO deployments (id, script_id, created_on, versions, message, source) VALUES (?, ?, ?, ?, ?, ?)",
                deployment.id(), scriptId, deployment.createdOn(), JSON.writeValueAsString(versions),
                deployment.message(), deployment.source());
        update("UPDATE scripts SET deployment_id = ?, current_version_id = ?, modified_on = ? WHERE id = ?",
                deployment.id(), deployment.primaryVersionId(), deployment.createdOn(), scriptId);
    }

    @Override
    public int latestVersionNumber(ScriptRef ref) {
        return read(() -> {
            try (PreparedStatement st = prepare("SELECT COALESCE(MAX(v.number), 0) FROM script_versions v JOIN scripts s "
                    + "ON s.id = v.script_id WHERE s.account_id = ? AND s.namespace_id = ? AND s.name = ?",
                    ref.accountId(), ref.namespaceId(), ref.name()); ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    @Override
    public VersionPage versions(ScriptRef ref, int offset, int limit) {
        return read(() -> {
            int total;
            try (PreparedStatement st = prepare("SELECT COUNT(*) FROM script_versions v JOIN scripts s ON s.id = "
                    + "v.script_id WHERE s.account_id = ? AND s.namespace_id = ? AND s.name = ?",
                    ref.accountId(), ref.namespaceId(), ref.name()); ResultSet rs = st.executeQuery()) {
                total = rs.next() ? rs.getInt(1) : 0;
            }
            List<ScriptVersion> window = rowsOfScript(ref, "SELECT " + VERSION_COLUMNS + " FROM script_versions v "
                    + "JOIN scripts s ON s.id = v.script_id", "ORDER BY v.number DESC LIMIT " + Math.max(0, limit)
                    + " OFFSET " + Math.max(0, offset), rs -> versionAt(rs, 1));
            return new VersionPage(window, total);
        });
    }

    @Override
    public List<Deployment> deployments(ScriptRef ref) {
        return read(() -> rowsOfScript(ref, "SELECT " + DEPLOYMENT_COLUMNS + " FROM deployments d JOIN scripts s "
                + "ON s.id = d.script_id", "ORDER BY d.rowid DESC", rs -> deploymentAt(rs, 1)));
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws Exception;
    }

    /** The rows of {@code select} (which joins {@code scripts s}) that belong to one script. */
    private <T> List<T> rowsOfScript(ScriptRef ref, String select, String orderBy, Row<T> row) throws Exception {
        List<T> out = new ArrayList<>();
        try (PreparedStatement st = prepare(select + " WHERE s.account_id = ? AND s.namespace_id = ? AND s.name = ? "
                + orderBy, ref.accountId(), ref.namespaceId(), ref.name()); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(row.read(rs));
            }
        }
        return out;
    }

    @Override
    public Script setTags(ScriptRef ref, List<String> tags) {
        try {
            return setScriptColumn(ref, "tags", JSON.writeValueAsString(tags));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("tags are always JSON-serialisable", e);
        }
    }

    @Override
    public Script setSettings(ScriptRef ref, String settingsJson) {
        return setScriptColumn(ref, "settings", settingsJson);
    }

    /** Sets one of the script's own columns ({@code tags}, {@code settings}); the column name is never user input. */
    private Script setScriptColumn(ScriptRef ref, String column, String value) {
        return transaction(() -> {
            String scriptId = scriptId(ref).orElseThrow(() -> new PlatformException(Problem.SCRIPT_NOT_FOUND,
                    "Worker '" + ref.name() + "' was deleted meanwhile."));
            update("UPDATE scripts SET " + column + " = ?, modified_on = ? WHERE id = ?", value, now(), scriptId);
            return scriptRows("s.id = ?", scriptId).getFirst();
        });
    }

    @Override
    public String saveAssetManifest(String json) {
        String id = dev.tenantd.platform.store.BlobStore.sha256(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // Stored again, it counts as new: a collection running now leaves it for the version about to name it.
        transaction(() -> update("INSERT INTO asset_manifests (id, json, created_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at", id, json, System.currentTimeMillis()));
        return id;
    }

    @Override
    public Optional<String> assetManifest(String id) {
        return read(() -> {
            try (PreparedStatement st = prepare("SELECT json FROM asset_manifests WHERE id = ?", id);
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    @Override
    public Optional<String> assetBlob(ScriptRef ref, String hash) {
        return read(() -> {
            try (PreparedStatement st = prepare("SELECT sha256 FROM assets WHERE account_id = ? AND namespace_id = ? "
                    + "AND script = ? AND hash = ?", ref.accountId(), ref.namespaceId(), ref.name(), hash);
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    @Override
    public void putAsset(ScriptRef ref, String hash, String sha256, long size) {
        transaction(() -> update("INSERT OR REPLACE INTO assets (account_id, namespace_id, script, hash, sha256, size, "
                + "last_used) VALUES (?, ?, ?, ?, ?, ?, ?)", ref.accountId(), ref.namespaceId(), ref.name(), hash, sha256,
                size, System.currentTimeMillis()));
    }

    @Override
    public void touchAssets(ScriptRef ref, Collection<String> hashes) {
        if (hashes.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        transaction(() -> {
            try (PreparedStatement st = connection().prepareStatement("UPDATE assets SET last_used = ? WHERE account_id = ? "
                    + "AND namespace_id = ? AND script = ? AND hash = ?")) {
                for (String hash : hashes) {
                    st.setLong(1, now);
                    st.setString(2, ref.accountId());
                    st.setString(3, ref.namespaceId());
                    st.setString(4, ref.name());
                    st.setString(5, hash);
                    st.addBatch();
                }
                st.executeBatch();
            }
            return null;
        });
    }

    @Override
    public int dropUnusedAssets(long usedBefore) {
        // What goes is worked out on a connection of its own (reading every version's manifest of a
        // site can take a while); the store's connection only deletes the rows chosen, by key, in
        // short transactions, and a row touched since it was chosen stays.
        record Row(String accountId, String namespaceId, String script, String hash) {
        }
        List<Row> unused = new ArrayList<>();
        try (Connection reader = dataSource.getConnection()) {
            List<ScriptRef> holders = new ArrayList<>();
            try (PreparedStatement st = reader.prepareStatement("SELECT DISTINCT account_id, namespace_id, script FROM "
                    + "assets WHERE last_used < ?")) {
                st.setLong(1, usedBefore);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        holders.add(new ScriptRef(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            for (ScriptRef ref : holders) {
                try (PreparedStatement st = reader.prepareStatement("SELECT hash FROM assets WHERE account_id = ? AND "
                        + "namespace_id = ? AND script = ? AND last_used < ? AND sha256 NOT IN (SELECT "
                        + "json_extract(m.value, '$.sha256') FROM script_versions v JOIN scripts s ON s.id = "
                        + "v.script_id JOIN asset_manifests a ON a.id = v.assets, json_each(a.json, '$.manifest') m "
                        + "WHERE s.account_id = ? AND s.namespace_id = ? AND s.name = ? AND json_extract(m.value, "
                        + "'$.sha256') IS NOT NULL)")) {
                    Object[] params = {ref.accountId(), ref.namespaceId(), ref.name(), usedBefore, ref.accountId(),
                        ref.namespaceId(), ref.name()};
                    for (int i = 0; i < params.length; i++) {
                        st.setObject(i + 1, params[i]);
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            unused.add(new Row(ref.accountId(), ref.namespaceId(), ref.name(), rs.getString(1)));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new TenantdException("database error: " + e.getMessage(), e);
        }
        transaction(() -> update(UNUSED_MANIFESTS, usedBefore));
        int dropped = 0;
        for (int from = 0; from < unused.size(); from += 500) {
            List<Row> batch = unused.subList(from, Math.min(unused.size(), from + 500));
            dropped += transaction(() -> {
                int n = 0;
                for (Row row : batch) {
                    n += update("DELETE FROM assets WHERE account_id = ? AND namespace_id = ? AND script = ? AND "
                            + "hash = ? AND last_used < ?", row.accountId(), row.namespaceId(), row.script(),
                            row.hash(), usedBefore);
                }
                return n;
            });
        }
        return dropped;
    }

    @Override
    public void referencedBlobs(Consumer<String> sha256) {
        // A connection of its own: WAL lets it read while the store's connection serves everything else.
        try (Connection reader = dataSource.getConnection(); Statement st = reader.createStatement()) {
            String[] queries = {
                "SELECT json_extract(j.value, '$.sha256'), json_extract(j.value, '$.source_map_sha256') "
                        + "FROM script_versions v, json_each(v.modules) j",
                "SELECT json_extract(m.value, '$.sha256'), NULL FROM asset_manifests a, "
                        + "json_each(a.json, '$.manifest') m",
                "SELECT sha256, NULL FROM assets"};
            // One read transaction for all three, so a version saved between them is seen by none or all.
            reader.setAutoCommit(false);
            for (String query : queries) {
                try (ResultSet rs = st.executeQuery(query)) {
                    while (rs.next()) {
                        for (int column = 1; column <= 2; column++) {
                            String hash = rs.getString(column);
                            if (hash != null) {
                                sha256.accept(hash);
                            }
                        }
                    }
                }
            }
            reader.rollback();
        } catch (SQLException e) {
            throw new TenantdException("database error: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ScriptVersion> version(String versionId) {
        return read(() -> versionRow(versionId));
    }

    @Override
    public boolean deleteScript(ScriptRef ref) {
        return transaction(() -> {
            String where = "script_id IN (SELECT id FROM scripts WHERE account_id = ? AND namespace_id = ? AND name = ?)";
            update("DELETE FROM deployments WHERE " + where, ref.accountId(), ref.namespaceId(), ref.name());
            update("DELETE FROM script_versions WHERE " + where, ref.accountId(), ref.namespaceId(), ref.name());
            boolean deleted = update("DELETE FROM scripts WHERE account_id = ? AND namespace_id = ? AND name = ?",
                    ref.accountId(), ref.namespaceId(), ref.name()) > 0;
            if (deleted) {
                // A script uploaded later under this name uploads its files itself.
                update("DELETE FROM assets WHERE account_id = ? AND namespace_id = ? AND script = ?",
                        ref.accountId(), ref.namespaceId(), ref.name());
            }
            return deleted;
        });
    }

    // ---- JSON columns

    private static String modulesJson(List<ModuleRef> modules) throws Exception {
        ArrayNode array = JSON.createArrayNode();
        for (ModuleRef m : modules) {
            var module = array.addObject().put("name", m.name()).put("type", m.type().name()).put("sha256", m.sha256())
                    .put("size", m.size());
            m.sourceMapSha256().ifPresent(map -> module.put("source_map_sha256", map));
        }
        return JSON.writeValueAsString(array);
    }

    private static List<ModuleRef> modules(String json) throws Exception {
        List<ModuleRef> out = new ArrayList<>();
        for (JsonNode m : JSON.readTree(json)) {
            out.add(new ModuleRef(m.get("name").asText(), ModuleType.valueOf(m.get("type").asText()),
                    m.get("sha256").asText(), m.get("size").asLong(),
                    m.path("source_map_sha256").isTextual() ? Optional.of(m.get("source_map_sha256").asText()) : Optional.empty()));
        }
        return out;
    }

    private static EgressPolicy egress(String json) throws Exception {
        return EgressPolicy.fromJson(JSON.readTree(json), "stored egress policy");
    }

    private static String limitsJson(ScriptLimits limits) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        if (limits.cpuMs() > 0) {
            o.put("cpu_ms", limits.cpuMs());
        }
        if (limits.subrequests() >= 0) {
            o.put("subrequests", limits.subrequests());
        }
        return JSON.writeValueAsString(o);
    }

    private static ScriptLimits limits(String json) throws Exception {
        JsonNode o = JSON.readTree(json);
        return new ScriptLimits(o.path("cpu_ms").asLong(0), o.has("subrequests") ? o.get("subrequests").asInt() : -1);
    }

    private static String bindingsJson(List<BindingSpec> bindings) throws Exception {
        ArrayNode array = JSON.createArrayNode();
        for (BindingSpec b : bindings) {
            ObjectNode o = array.addObject();
            o.put("type", b.type()).put("name", b.name());
            o.set("fields", b.fields());
        }
        return JSON.writeValueAsString(array);
    }

    private static List<BindingSpec> bindings(String json) throws Exception {
        List<BindingSpec> out = new ArrayList<>();
        for (JsonNode b : JSON.readTree(json)) {
            out.add(new BindingSpec(b.get("type").asText(), b.get("name").asText(), (ObjectNode) b.get("fields")));
        }
        return out;
    }

    @Override
    public void close() {
        readers.close();
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException ignored) {
            // closing anyway
        }
        try {
            db.close();
        } catch (SQLException ignored) {
            // nothing left to do
        }
    }
}
