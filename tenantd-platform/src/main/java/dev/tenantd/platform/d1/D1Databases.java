package dev.tenantd.platform.d1;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * D1: SQLite databases per account, one file each under {@code <data-dir>/d1/<uuid>.sqlite},
 * listed in a {@link D1Catalogue}. Every method names the account, and a database is found
 * only in its own account. Every method returns at once; the work runs on the
 * {@code tenantd-d1} threads, so callers on an event loop or a JS thread never block.
 */
public final class D1Databases implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final java.time.format.DateTimeFormatter TIMESTAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final D1Catalogue catalogue;
    private final D1Engine engine;
    private final D1Limits limits;
    private final D1Imports imports;
    /**
     * Databases looked up before, by id, so that a query needs no catalogue read. A database
     * deleted meanwhile is still refused: its lane opens only files that exist.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, D1Database> known =
            new java.util.concurrent.ConcurrentHashMap<>();

    private D1Databases(Path dir, D1Catalogue catalogue, D1Limits limits) {
        this.catalogue = catalogue;
        this.limits = limits;
        this.engine = new D1Engine(dir, limits);
        this.imports = new D1Imports(dir.resolve("imports"), limits);
    }

    /** D1 with its files in {@code <dataDir>/d1}. */
    public static D1Databases open(Path dataDir, D1Catalogue catalogue, D1Limits limits) {
        Objects.requireNonNull(catalogue, "catalogue");
        Objects.requireNonNull(limits, "limits");
        D1Databases databases = new D1Databases(dataDir.resolve("d1"), catalogue, limits);
        databases.engine.background(databases::sweepLeftovers);
        return databases;
    }

    /** The bounded executor that runs D1 queries, for the operator's metrics. */
    public dev.tenantd.platform.NamedExecutor executor() {
        return new dev.tenantd.platform.NamedExecutor("d1", engine.pool());
    }

    public D1Limits limits() {
        return limits;
    }

    /** What {@code exec()} reports: how many statements ran, and for how long in all. */
    public record ExecResult(int count, double durationMs) {
    }

    /** A database with the size of its file and its number of tables. */
    public record Info(D1Database database, long fileSize, long numTables) {
    }

    public CompletableFuture<D1Database> create(String accountId, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return CompletableFuture.failedFuture(new D1Exception(D1Exception.Kind.INVALID, "a database name is 1 to 64 "
                    + "letters, digits, '-' and '_', starting with a letter or digit; got '" + name + "'"));
        }
        String uuid = UUID.randomUUID().toString();
        String now = TIMESTAMP.format(Instant.now());
        return engine.background(() -> catalogue.create(new D1Database(uuid, accountId, name, now, D1Database.PRODUCTION),
                        limits.databasesPerAccount())
                        .orElseThrow(() -> new D1Exception(D1Exception.Kind.NAME_TAKEN,
                                "A database with that name already exists: '" + name + "'")))
                .thenCompose(db -> engine.create(byApi(accountId), uuid).handle((ok, error) -> {
                    if (error != null) {
                        // Whatever file the failed start made goes, then its row (the next start's sweep
                        // sets the file aside if this cannot delete it).
                        engine.delete(byApi(accountId), uuid).whenComplete((deleted, failed) -> catalogue.delete(accountId, uuid));
                        throw new java.util.concurrent.CompletionException(error);
                    }
                    return db;
                }));
    }

    /** The account's databases, oldest first. */
    public CompletableFuture<List<D1Database>> list(String accountId) {
        return engine.background(() -> catalogue.list(accountId));
    }

    /** A database by id, or by name (as wrangler looks databases up). */
    public CompletableFuture<D1Database> get(String accountId, String idOrName) {
        return engine.background(() -> find(accountId, idOrName));
    }

    /** A database and the size of its file, its tables counted. */
    public CompletableFuture<Info> info(String accountId, String idOrName) {
        return get(accountId, idOrName).thenCompose(db -> engine.withDatabase(byApi(accountId), db.uuid(), open -> {
            try {
                return new Info(db, open.size(), open.tableCount());
            } catch (java.sql.SQLException e) {
                throw OpenDatabase.sqlError(e);
            }
        }));
    }

    /** Looks a database up without waiting for the D1 threads: for checks at upload time, which run off the event loop. */
    public Optional<D1Database> findNow(String accountId, String uuid) {
        return catalogue.byId(accountId, uuid);
    }

    /**
     * Deletes the database's files, then its row: a failure in between leaves a row whose
     * database answers that its file is gone, and which a second delete removes, never a file
     * nothing counts or removes.
     */
    public CompletableFuture<Void> delete(String accountId, String idOrName) {
        return engine.background(() -> find(accountId, idOrName))
                .thenCompose(db -> engine.delete(byApi(accountId), db.uuid()).thenApply(deleted -> db))
                .thenCompose(db -> engine.background(() -> {
                    known.remove(db.uuid());
                    if (!catalogue.delete(accountId, db.uuid())) {
                        throw notFound(idOrName);
                    }
                    return null;
                }));
    }

    /**
     * Sets aside ({@code d1/orphaned/}) the database files that no account's database names:
     * left by a delete or a failed create that stopped between its file and its row, or by a
     * data directory restored without its database. Returns how many databases' files.
     */
    int sweepLeftovers() {
        return engine.setAsideFilesOfNone(catalogue::exists);
    }

    /**
     * Runs statements in one transaction, all or nothing: per statement, the results of the
     * SQL statements its text holds (one, unless it holds several and no parameters).
     */
    public CompletableFuture<List<List<D1Result>>> query(String accountId, String uuid, List<D1Statement> statements) {
        return query(accountId, uuid, statements, byApi(accountId));
    }

    /**
     * {@link #query(String, String, List)} for {@code asker}: a worker's calls ({@link #byWorker})
     * hold at most a quarter of the threads, an account's calls through the API ({@link #byApi}) half.
     */
    public CompletableFuture<List<List<D1Result>>> query(String accountId, String uuid, List<D1Statement> statements,
            String asker) {
        return existing(accountId, uuid).thenCompose(db -> engine.withDatabase(asker, db.uuid(),
                open -> open.run(statements, OpenDatabase.Mode.QUERY)));
    }

    /** D1's {@code exec()}: a script of statements, in one transaction. */
    public CompletableFuture<ExecResult> exec(String accountId, String uuid, String sql) {
        return exec(accountId, uuid, sql, byApi(accountId));
    }

    /** {@link #exec(String, String, String)} for {@code asker}. */
    public CompletableFuture<ExecResult> exec(String accountId, String uuid, String sql, String asker) {
        return existing(accountId, uuid).thenCompose(db -> engine.withDatabase(asker, db.uuid(), open -> open.exec(sql)));
    }

    /**
     * The asker of a worker's calls. In a Workers for Platforms deployment every tenant's
     * databases are in the platform's account, so a share per account would make all of them
     * share half the threads, and two tenants' slow queries would hold those.
     */
    public static String byWorker(dev.tenantd.platform.ScriptRef script) {
        return WORKER + script;
    }

    private static final String WORKER = "worker ";

    /** Whether {@code asker} is a worker's ({@link #byWorker}). */
    static boolean isWorker(String asker) {
        return asker.startsWith(WORKER);
    }

    /** The asker of an account's calls through the API. */
    public static String byApi(String accountId) {
        return "account " + accountId;
    }

    /** The import flow of {@code wrangler d1 execute --file}: first a place to upload the file to. */
    public CompletableFuture<D1Imports.Ticket> beginImport(String accountId, String uuid, String etag) {
        return existing(accountId, uuid).thenApply(db -> imports.begin(db, etag));
    }

    /**
     * Whether an upload URL with this secret is open: asked before a byte of the upload is read,
     * so that a URL nobody was given costs the server nothing.
     */
    public boolean uploadExpected(String secret) {
        return imports.expects(secret);
    }

    /**
     * Takes an open upload URL for one upload at a time (each holds up to the import limit in
     * memory); false if an upload to it is being read. {@link #releaseUpload} gives it back.
     */
    public boolean claimUpload(String secret) {
        return imports.claim(secret);
    }

    public void releaseUpload(String secret) {
        imports.release(secret);
    }

    /** Takes an uploaded SQL file by its upload secret; the result is its MD5 (hex), the upload's etag. */
    public CompletableFuture<String> acceptUpload(String secret, byte[] content) {
        return engine.background(() -> imports.accept(secret, content));
    }

    /** Runs an uploaded SQL file (named as {@link #beginImport} named it, with its MD5 in hex) as one transaction, and forgets it. */
    public CompletableFuture<D1Imports.Outcome> ingest(String accountId, String uuid, String filename, String etag) {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(etag, "etag");
        return existing(accountId, uuid).thenCompose(db -> engine.background(() -> imports.take(db, filename, etag)))
                .thenCompose(sql -> engine.withDatabase(byApi(accountId), uuid, open -> {
                    long started = System.nanoTime();
                    List<D1Result> results = open.run(List.of(new D1Statement(sql, List.of())), OpenDatabase.Mode.IMPORT)
                            .getFirst();
                    return D1Imports.Outcome.of(results, OpenDatabase.wholeMillis(started));
                }));
    }

    private CompletableFuture<D1Database> existing(String accountId, String uuid) {
        if (uuid == null || !ID.matcher(uuid).matches()) {
            return CompletableFuture.failedFuture(notFound(String.valueOf(uuid)));
        }
        D1Database cached = known.get(uuid);
        if (cached != null && cached.accountId().equals(accountId)) {
            return CompletableFuture.completedFuture(cached);
        }
        return engine.background(() -> {
            D1Database db = catalogue.byId(accountId, uuid).orElseThrow(() -> notFound(uuid));
            known.put(uuid, db);
            return db;
        });
    }

    private D1Database find(String accountId, String idOrName) {
        Optional<D1Database> byId = ID.matcher(idOrName).matches() ? catalogue.byId(accountId, idOrName) : Optional.empty();
        return byId.or(() -> catalogue.byName(accountId, idOrName)).orElseThrow(() -> notFound(idOrName));
    }

    private static D1Exception notFound(String idOrName) {
        return new D1Exception(D1Exception.Kind.NOT_FOUND, "no D1 database '" + idOrName + "' in this account; "
                + "'wrangler d1 list' shows the account's databases");
    }

    @Override
    public void close() {
        engine.close();
    }
}
