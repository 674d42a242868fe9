package dev.tenantd.platform.d1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** D1 over real SQLite files: types, meta, atomic batches, exec, the time limit, and what a query may not do. */
class D1DatabasesTest {
    static final String ACCOUNT = "acct-a";

    @TempDir
    Path dir;
    D1Databases d1;
    String id;

    @BeforeEach
    void open() {
        d1 = D1Databases.open(dir, new MemoryD1Catalogue(), D1Limits.defaults().withQueryTime(Duration.ofMillis(500)));
        id = await(d1.create(ACCOUNT, "main")).uuid();
    }

    @AfterEach
    void close() {
        d1.close();
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    List<D1Result> run(D1Statement... statements) {
        return await(d1.query(ACCOUNT, id, List.of(statements))).stream().map(List::getLast).toList();
    }

    D1Result one(String sql, SqlValue... params) {
        return run(D1Statement.of(sql, params)).getFirst();
    }

    @Test
    void the_database_is_a_sqlite_file_in_the_data_dir() {
        assertThat(dir.resolve("d1").resolve(id + ".sqlite")).isRegularFile();
    }

    @Test
    void values_keep_their_sqlite_types_both_ways() {
        one("CREATE TABLE t (v)");
        one("INSERT INTO t VALUES (?), (?), (?), (?), (?)", SqlValue.integer(9007199254740991L), SqlValue.real(1.5),
                SqlValue.text("héllo"), SqlValue.blob(new byte[] {0, 1, (byte) 255}), SqlValue.NULL);
        D1Result r = one("SELECT v, typeof(v) AS t FROM t ORDER BY rowid");
        assertThat(r.columns()).containsExactly("v", "t");
        assertThat(r.rows()).extracting(row -> row.get(1)).containsExactly(SqlValue.text("integer"),
                SqlValue.text("real"), SqlValue.text("text"), SqlValue.text("blob"), SqlValue.text("null"));
        assertThat(r.rows()).extracting(row -> row.get(0)).containsExactly(SqlValue.integer(9007199254740991L),
                SqlValue.real(1.5), SqlValue.text("héllo"), SqlValue.blob(new byte[] {0, 1, (byte) 255}), SqlValue.NULL);
    }

    @Test
    void positional_and_numbered_parameters_bind_by_index() {
        D1Result r = one("SELECT ?2 AS b, ?1 AS a, ?2 AS b2", SqlValue.text("first"), SqlValue.text("second"));
        assertThat(r.rows().getFirst()).containsExactly(SqlValue.text("second"), SqlValue.text("first"),
                SqlValue.text("second"));
    }

    @Test
    void meta_reports_changes_last_row_id_and_size() {
        one("CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
        D1Result insert = one("INSERT INTO t (v) VALUES (1), (2), (3)");
        assertThat(insert.meta().changes()).isEqualTo(3);
        assertThat(insert.meta().lastRowId()).isEqualTo(3);
        assertThat(insert.meta().changedDb()).isTrue();
        assertThat(insert.meta().rowsWritten()).isEqualTo(3);
        assertThat(insert.meta().sizeAfter()).isPositive();
        D1Result select = one("SELECT * FROM t");
        assertThat(select.meta().changes()).isZero();
        assertThat(select.meta().changedDb()).isFalse();
        assertThat(select.meta().rowsRead()).isEqualTo(3);
        assertThat(one("CREATE TABLE u (x)").meta().changedDb()).isTrue();
    }

    @Test
    void sql_errors_read_as_d1_writes_them() {
        assertThatThrownBy(() -> one("SELECT * FROM missing")).isInstanceOf(D1Exception.class)
                .hasMessage("no such table: missing: SQLITE_ERROR");
        one("CREATE TABLE t (k TEXT UNIQUE)");
        one("INSERT INTO t VALUES ('a')");
        assertThatThrownBy(() -> one("INSERT INTO t VALUES ('a')"))
                .hasMessage("UNIQUE constraint failed: t.k: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)");
        one("CREATE TABLE c (n INTEGER NOT NULL CHECK (n > 0))");
        assertThatThrownBy(() -> one("INSERT INTO c VALUES (NULL)"))
                .hasMessage("NOT NULL constraint failed: c.n: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_NOTNULL)");
        assertThatThrownBy(() -> one("INSERT INTO c VALUES (0)"))
                .hasMessage("CHECK constraint failed: n > 0: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_CHECK)");
        assertThatThrownBy(() -> one("SELEC 1")).hasMessageContaining("syntax error").hasMessageEndingWith(": SQLITE_ERROR");
        assertThatThrownBy(() -> one("SELECT ?, ?", SqlValue.integer(1)))
                .hasMessageContaining("Wrong number of parameter bindings");
        assertThatThrownBy(() -> one("  -- nothing\n")).hasMessage("No SQL statements detected.");
    }

    @Test
    void a_batch_is_all_or_nothing() {
        one("CREATE TABLE t (k TEXT PRIMARY KEY)");
        assertThatThrownBy(() -> run(D1Statement.of("INSERT INTO t VALUES ('one')"),
                D1Statement.of("INSERT INTO t VALUES ('two')"), D1Statement.of("INSERT INTO t VALUES ('one')")))
                .isInstanceOf(D1Exception.class).hasMessageContaining("UNIQUE constraint failed");
        assertThat(one("SELECT count(*) AS n FROM t").rows().getFirst()).containsExactly(SqlValue.integer(0));
        List<D1Result> ok = run(D1Statement.of("INSERT INTO t VALUES ('one')"), D1Statement.of("SELECT k FROM t"));
        assertThat(ok.get(1).rows()).hasSize(1);
    }

    @Test
    void exec_runs_a_script_and_names_the_failing_line() {
        D1Databases.ExecResult r = await(d1.exec(ACCOUNT, id,
                "CREATE TABLE t (a);\nINSERT INTO t VALUES (1); INSERT INTO t VALUES (2);\nCREATE TABLE u (\n  b\n);"));
        assertThat(r.count()).isEqualTo(4);
        assertThatThrownBy(() -> await(d1.exec(ACCOUNT, id, "INSERT INTO t VALUES (3);\n\nINSERT INTO nope VALUES (1);")))
                .isInstanceOf(D1Exception.class)
                .hasMessage("Error in line 3: INSERT INTO nope VALUES (1): no such table: nope: SQLITE_ERROR")
                .satisfies(e -> assertThat(((D1Exception) e).workerMessage()).startsWith("D1_EXEC_ERROR: "));
        assertThat(one("SELECT count(*) FROM t").rows().getFirst()).containsExactly(SqlValue.integer(2));
    }

    @Test
    void a_query_that_runs_forever_is_stopped_and_rolled_back() {
        one("CREATE TABLE t (a)");
        assertThatThrownBy(() -> run(D1Statement.of("INSERT INTO t VALUES (1)"), D1Statement.of(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")))
                .isInstanceOf(D1Exception.class)
                .hasMessageContaining("exceeded its time limit of 500 ms")
                .hasMessageEndingWith("SQLITE_INTERRUPT");
        assertThat(one("SELECT count(*) FROM t").rows().getFirst()).containsExactly(SqlValue.integer(0));
    }

    @Test
    void attach_and_file_pragmas_are_refused_and_no_file_appears() throws Exception {
        Path outside = dir.resolve("outside.db");
        for (String sql : List.of("ATTACH '" + outside + "' AS x", "/**/attach database '" + outside + "' as x",
                "VACUUM INTO '" + outside + "'", "PRAGMA journal_mode = DELETE", "PRAGMA writable_schema = 1")) {
            assertThatThrownBy(() -> one(sql)).as(sql).isInstanceOf(D1Exception.class)
                    .hasMessageStartingWith("not authorized").hasMessageEndingWith("SQLITE_AUTH");
        }
        assertThat(outside).doesNotExist();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactly("d1");
    }

    @Test
    void extensions_and_pointer_leaking_functions_are_not_there() {
        assertThatThrownBy(() -> one("SELECT load_extension('/tmp/nothing.so')")).hasMessageContaining("not authorized");
        assertThatThrownBy(() -> one("SELECT fts3_tokenizer('simple')")).hasMessageContaining("not authorized");
        assertThatThrownBy(() -> one("SELECT fts3_tokenizer('simple', x'0000000000000000')"))
                .hasMessageContaining("not authorized");
    }

    @Test
    void durations_a_worker_reads_are_whole_milliseconds() throws Exception {
        OpenDatabase open = OpenDatabase.open(dir.resolve("d1").resolve(id + ".sqlite"), D1Limits.defaults(),
                OpenDatabase.OpenMode.EXISTING);
        try {
            for (int i = 0; i < 20; i++) {
                double duration = open.run(List.of(new D1Statement("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                        + "SELECT x + 1 FROM c WHERE x < 20000) SELECT count(*) FROM c", List.of())),
                        OpenDatabase.Mode.QUERY).getFirst().getFirst().meta().durationMs();
                assertThat(duration).isEqualTo(Math.floor(duration)).isGreaterThanOrEqualTo(0);
            }
            double exec = open.exec("CREATE TABLE IF NOT EXISTS timed (v); INSERT INTO timed VALUES (1)").durationMs();
            assertThat(exec).isEqualTo(Math.floor(exec));
        } finally {
            open.close();
        }
    }

    /** The database's own connection, past every check the engine makes on statements. */
    private static java.sql.Connection raw(OpenDatabase open) throws ReflectiveOperationException {
        java.lang.reflect.Field field = OpenDatabase.class.getDeclaredField("db");
        field.setAccessible(true);
        return (java.sql.Connection) field.get(open);
    }

    @Test
    void a_d1_connection_syncs_every_commit_to_the_disk() throws Exception {
        OpenDatabase open = OpenDatabase.open(dir.resolve("d1").resolve(id + ".sqlite"), D1Limits.defaults(),
                OpenDatabase.OpenMode.EXISTING);
        try {
            try (java.sql.ResultSet rs = raw(open).createStatement().executeQuery("PRAGMA synchronous")) {
                rs.next();
                assertThat(rs.getInt(1)).as("FULL").isEqualTo(2);
            }
        } finally {
            open.close();
        }
    }

    @Test
    void sqlite_itself_refuses_attach_on_a_d1_connection() throws Exception {
        Path outside = dir.resolve("outside.db");
        // Past the statement check, straight on the connection: SQLite's attached-database limit is 0.
        OpenDatabase open = OpenDatabase.open(dir.resolve("d1").resolve(id + ".sqlite"), D1Limits.defaults(),
                OpenDatabase.OpenMode.EXISTING);
        try {
            java.sql.Connection raw = raw(open);
            assertThatThrownBy(() -> raw.createStatement().execute("ATTACH '" + outside + "' AS x"))
                    .hasMessageContaining("too many attached databases");
        } finally {
            open.close();
        }
        assertThat(outside).doesNotExist();
    }

    @Test
    void a_call_on_a_database_whose_file_is_gone_does_not_make_a_new_file() {
        D1Engine engine = new D1Engine(dir.resolve("elsewhere"), D1Limits.defaults());
        try {
            String missing = java.util.UUID.randomUUID().toString();
            assertThatThrownBy(() -> await(engine.withDatabase(ACCOUNT, missing, db -> db.run(List.of(D1Statement.of("SELECT 1")),
                    OpenDatabase.Mode.QUERY)))).extracting(e -> ((D1Exception) e).kind()).isEqualTo(D1Exception.Kind.NOT_FOUND);
            assertThat(dir.resolve("elsewhere").resolve(missing + ".sqlite")).doesNotExist();
        } finally {
            engine.close();
        }
    }

    @Test
    void a_refused_statement_leaves_the_batch_unwritten() {
        one("CREATE TABLE t (a)");
        assertThatThrownBy(() -> run(D1Statement.of("INSERT INTO t VALUES (1)"), D1Statement.of("COMMIT"),
                D1Statement.of("INSERT INTO t VALUES (2)"))).hasMessageEndingWith("SQLITE_AUTH");
        assertThat(one("SELECT count(*) FROM t").rows().getFirst()).containsExactly(SqlValue.integer(0));
    }

    @Test
    void another_accounts_id_is_not_found() {
        one("SELECT 1");
        assertThatThrownBy(() -> await(d1.query("acct-b", id, List.of(D1Statement.of("SELECT 1")))))
                .isInstanceOf(D1Exception.class).extracting(e -> ((D1Exception) e).kind())
                .isEqualTo(D1Exception.Kind.NOT_FOUND);
        assertThatThrownBy(() -> await(d1.delete("acct-b", id))).isInstanceOf(D1Exception.class);
        assertThat(one("SELECT 1 AS one").rows()).hasSize(1);
    }

    @Test
    void names_are_unique_per_account_and_checked() {
        assertThatThrownBy(() -> await(d1.create(ACCOUNT, "main"))).extracting(e -> ((D1Exception) e).kind())
                .isEqualTo(D1Exception.Kind.NAME_TAKEN);
        assertThat(await(d1.create("acct-b", "main")).accountId()).isEqualTo("acct-b");
        for (String bad : new String[] {"", "../x", "a b", "x".repeat(65), "-x"}) {
            assertThatThrownBy(() -> await(d1.create(ACCOUNT, bad))).as(bad)
                    .extracting(e -> ((D1Exception) e).kind()).isEqualTo(D1Exception.Kind.INVALID);
        }
    }

    @Test
    void a_deleted_database_loses_its_file_and_a_new_one_starts_empty() {
        one("CREATE TABLE t (a)");
        await(d1.delete(ACCOUNT, "main"));
        assertThat(dir.resolve("d1").resolve(id + ".sqlite")).doesNotExist();
        assertThatThrownBy(() -> one("SELECT 1")).extracting(e -> ((D1Exception) e).kind())
                .isEqualTo(D1Exception.Kind.NOT_FOUND);
        id = await(d1.create(ACCOUNT, "main")).uuid();
        assertThat(one("SELECT count(*) FROM sqlite_schema").rows().getFirst()).containsExactly(SqlValue.integer(0));
    }

    @Test
    void data_outlives_closing_and_reopening() {
        MemoryD1Catalogue catalogue = new MemoryD1Catalogue();
        d1.close();
        d1 = D1Databases.open(dir, catalogue, D1Limits.defaults());
        id = await(d1.create(ACCOUNT, "kept")).uuid();
        one("CREATE TABLE t (a)");
        one("INSERT INTO t VALUES ('still here')");
        d1.close();
        d1 = D1Databases.open(dir, catalogue, D1Limits.defaults());
        assertThat(one("SELECT a FROM t").rows().getFirst()).containsExactly(SqlValue.text("still here"));
    }

    @Test
    void many_databases_share_a_few_open_files() {
        d1.close();
        d1 = D1Databases.open(dir, new MemoryD1Catalogue(), D1Limits.defaults().withOpenDatabases(2));
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            id = await(d1.create(ACCOUNT, "db" + i)).uuid();
            ids.add(id);
            one("CREATE TABLE t (a)");
            one("INSERT INTO t VALUES (" + i + ")");
        }
        for (int i = 0; i < 5; i++) {
            id = ids.get(i);
            assertThat(one("SELECT a FROM t").rows().getFirst()).containsExactly(SqlValue.integer(i));
        }
    }

    /** A query that runs until its time limit interrupts it. */
    private static final String FOREVER = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

    /** Opens the databases again with {@code threads} threads and calls of at most 8 s (so the tests' slow ones end soon). */
    private void withThreads(int threads) {
        d1.close();
        d1 = D1Databases.open(dir, new MemoryD1Catalogue(),
                new D1Limits(Duration.ofSeconds(8), 1 << 20, 1L << 30, 1 << 20, 8, threads, 100, 10));
    }

    @Test
    void an_account_with_slow_queries_on_many_databases_leaves_threads_for_the_others() {
        withThreads(2);
        List<String> hogs = List.of(await(d1.create("hog", "hog0")).uuid(), await(d1.create("hog", "hog1")).uuid());
        String other = await(d1.create("bystander", "quick")).uuid();
        List<CompletableFuture<List<List<D1Result>>>> slow = hogs.stream()
                .map(db -> d1.query("hog", db, List.of(D1Statement.of(FOREVER)))).toList();
        // Two threads, one account's calls hold at most one: the bystander's query runs while the hog's still do.
        assertThat(await(d1.query("bystander", other, List.of(D1Statement.of("SELECT 1 AS one")))).getFirst().getFirst()
                .rows()).hasSize(1);
        assertThat(slow).noneMatch(CompletableFuture::isDone);
        slow.forEach(f -> f.cancel(false));
    }

    @Test
    void workers_of_one_account_with_slow_queries_leave_threads_for_its_other_workers() {
        withThreads(4);
        // As in Workers for Platforms: every tenant's database in the platform's one account.
        List<String> hogs = List.of("hog0", "hog1", "hog2", "hog3").stream()
                .map(name -> await(d1.create("platform", name)).uuid()).toList();
        String other = await(d1.create("platform", "quick")).uuid();
        // Four threads, one worker's calls hold at most one: three tenants with slow queries (one
        // of them on two databases) hold three, and a fourth tenant gets the last.
        List<String> askers = List.of("hog-a", "hog-a", "hog-b", "hog-c");
        List<CompletableFuture<List<List<D1Result>>>> slow = new java.util.ArrayList<>();
        for (int i = 0; i < hogs.size(); i++) {
            slow.add(d1.query("platform", hogs.get(i), List.of(D1Statement.of(FOREVER)),
                    D1Databases.byWorker(new dev.tenantd.platform.ScriptRef("platform", "tenants", askers.get(i)))));
        }
        assertThat(await(d1.query("platform", other, List.of(D1Statement.of("SELECT 1 AS one")),
                D1Databases.byWorker(new dev.tenantd.platform.ScriptRef("platform", "tenants", "bystander"))))
                .getFirst().getFirst().rows()).hasSize(1);
        assertThat(slow).noneMatch(CompletableFuture::isDone);
        slow.forEach(f -> f.cancel(false));
    }

    @Test
    void the_write_ahead_log_is_cut_back_after_a_large_transaction() {
        Path wal = dir.resolve("d1").resolve(id + ".sqlite-wal");
        one("CREATE TABLE t (v BLOB)");
        one("INSERT INTO t SELECT randomblob(1000000) FROM (WITH RECURSIVE c(x) AS "
                + "(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 16) SELECT x FROM c)");
        assertThat(wal.toFile().length()).as("the large transaction's log").isGreaterThan(OpenDatabase.JOURNAL_LIMIT_BYTES);
        // Once the log was copied into the database, the next write starts it again, cut back.
        one("INSERT INTO t VALUES (1)");
        one("INSERT INTO t VALUES (2)");
        assertThat(wal.toFile().length()).isLessThanOrEqualTo(OpenDatabase.JOURNAL_LIMIT_BYTES);
    }

    @Test
    void like_and_glob_patterns_and_function_arguments_are_held_to_cloudflares_limits() {
        String fifty = "%" + "a".repeat(48) + "%";
        assertThat(one("SELECT ? LIKE ?", SqlValue.text("a".repeat(100)), SqlValue.text(fifty)).rows().getFirst())
                .containsExactly(SqlValue.integer(1));
        // A pattern matched against a long text costs the product of their lengths.
        assertThatThrownBy(() -> one("SELECT ? LIKE ?", SqlValue.text("a".repeat(1_000_000)), SqlValue.text(fifty + "b")))
                .hasMessageContaining("LIKE or GLOB pattern too complex");
        assertThatThrownBy(() -> one("SELECT ? GLOB ?", SqlValue.text("a"), SqlValue.text("*".repeat(51))))
                .hasMessageContaining("LIKE or GLOB pattern too complex");
        String args = String.join(",", java.util.Collections.nCopies(33, "1"));
        assertThatThrownBy(() -> one("SELECT max(" + args + ")")).hasMessageContaining("too many arguments");
        assertThat(one("SELECT max(" + args.substring(2) + ")").rows().getFirst()).containsExactly(SqlValue.integer(1));
    }

    @Test
    void a_result_larger_than_the_limit_is_refused() {
        d1.close();
        d1 = D1Databases.open(dir, new MemoryD1Catalogue(), D1Limits.defaults().withResultBytes(10_000));
        id = await(d1.create(ACCOUNT, "big")).uuid();
        assertThatThrownBy(() -> one("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) "
                + "SELECT x, 'some text' FROM c")).hasMessageContaining("the result is larger than 10000 bytes");
    }

    @Test
    void a_row_stops_being_read_at_the_cell_that_passes_the_result_limit() {
        // 100 columns of 1 MB each: the row alone is 100 MB, far over a 4 MB limit. The check
        // comes after each cell, so reading it stops after a few cells instead of building the
        // whole row first; the test thread's own allocations show how far it got.
        Path file = dir.resolve("wide.sqlite");
        OpenDatabase open = OpenDatabase.open(file, D1Limits.defaults().withResultBytes(4 << 20),
                OpenDatabase.OpenMode.CREATE);
        try {
            String columns = String.join(", ", java.util.Collections.nCopies(100, "v"));
            open.run(List.of(new D1Statement("CREATE TABLE t (v TEXT)", List.of()),
                    new D1Statement("INSERT INTO t VALUES (?)", List.of(SqlValue.text("x".repeat(1_000_000))))),
                    OpenDatabase.Mode.QUERY);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> open.run(List.of(new D1Statement("SELECT " + columns + " FROM t", List.of())),
                    OpenDatabase.Mode.QUERY)).hasMessageContaining("the result is larger than " + (4 << 20) + " bytes");
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(40L << 20);
        } finally {
            open.close();
        }
    }

    /** A database of 64 pages, with {@code create} run in it; then ten 100 KB rows are written to {@code table}: too many. */
    private void overfill(String create, String table) {
        d1.close();
        d1 = D1Databases.open(dir, new MemoryD1Catalogue(), D1Limits.defaults().withDatabaseBytes(64 * 4096));
        id = await(d1.create(ACCOUNT, "small")).uuid();
        one(create);
        assertThatThrownBy(() -> one("INSERT INTO " + table + " SELECT randomblob(100000) FROM (WITH RECURSIVE c(x) AS "
                + "(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT x FROM c)"))
                .hasMessageEndingWith("SQLITE_FULL");
    }

    @Test
    void a_database_cannot_grow_past_its_size_limit() {
        overfill("CREATE TABLE t (a)", "t");
        assertThat(one("SELECT count(*) FROM t").rows().getFirst()).containsExactly(SqlValue.integer(0));
    }

    @Test
    void temp_tables_cannot_grow_past_the_size_limit_either() {
        overfill("CREATE TEMP TABLE t (a)", "temp.t");
    }

    @Test
    void files_of_databases_no_account_has_are_set_aside_and_earlier_imports_removed_at_start() throws Exception {
        MemoryD1Catalogue catalogue = new MemoryD1Catalogue();
        d1.close();
        d1 = D1Databases.open(dir, catalogue, D1Limits.defaults());
        id = await(d1.create(ACCOUNT, "kept")).uuid();
        one("CREATE TABLE t (a)");
        d1.close();
        // Left by a delete or a create that stopped between file and row, and by imports begun before.
        Path d1Dir = dir.resolve("d1");
        String orphan = java.util.UUID.randomUUID().toString();
        java.nio.file.Files.writeString(d1Dir.resolve(orphan + ".sqlite"), "left over");
        java.nio.file.Files.writeString(d1Dir.resolve(orphan + ".sqlite-wal"), "left over");
        java.nio.file.Files.writeString(d1Dir.resolve("README"), "not a database file");
        java.nio.file.Files.createDirectories(d1Dir.resolve("imports"));
        java.nio.file.Files.writeString(d1Dir.resolve("imports").resolve("upload-1.tmp"), "INSERT ...");
        d1 = D1Databases.open(dir, catalogue, D1Limits.defaults());
        assertThat(d1Dir.resolve("imports").resolve("upload-1.tmp")).doesNotExist();
        // The start sweeps in the background.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((java.nio.file.Files.exists(d1Dir.resolve(orphan + ".sqlite"))
                || java.nio.file.Files.exists(d1Dir.resolve(orphan + ".sqlite-wal"))) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(d1Dir.resolve(orphan + ".sqlite")).doesNotExist();
        assertThat(d1Dir.resolve(orphan + ".sqlite-wal")).doesNotExist();
        List<Path> setAside;
        try (var files = java.nio.file.Files.walk(d1Dir.resolve("orphaned"))) {
            setAside = files.filter(java.nio.file.Files::isRegularFile).sorted().toList();
        }
        // (The database the test's set-up made in another catalogue is set aside too.)
        assertThat(setAside).as("set aside in a folder of this start's own, not deleted")
                .extracting(f -> f.getFileName().toString()).contains(orphan + ".sqlite", orphan + ".sqlite-wal")
                .doesNotContain(id + ".sqlite");
        assertThat(setAside.stream().filter(f -> f.getFileName().toString().equals(orphan + ".sqlite")).findFirst()
                .orElseThrow()).hasContent("left over");
        assertThat(d1Dir.resolve("README")).exists();
        assertThat(one("SELECT count(*) FROM t").rows().getFirst()).containsExactly(SqlValue.integer(0));
    }

    @Test
    void a_deleted_databases_files_are_gone_and_deleting_it_again_finds_nothing() {
        await(d1.delete(ACCOUNT, "main"));
        assertThat(dir.resolve("d1").resolve(id + ".sqlite")).doesNotExist();
        assertThatThrownBy(() -> await(d1.delete(ACCOUNT, "main"))).extracting(e -> ((D1Exception) e).kind())
                .isEqualTo(D1Exception.Kind.NOT_FOUND);
    }
}
