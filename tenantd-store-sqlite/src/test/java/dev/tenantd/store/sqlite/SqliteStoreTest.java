package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Deployment;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptLimits;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the embedded store records about a script's life. */
class SqliteStoreTest {
    @TempDir
    Path dir;

    static ScriptVersion version(String id, int number, String createdOn) {
        return new ScriptVersion(id, "", number, "w.js", true, "2024-01-01", List.of(), List.of(), List.of(),
                ScriptLimits.NONE, EgressPolicy.OPEN, "etag-" + id, 1, createdOn, "api", "");
    }

    static Deployment deployment(String id, String versionId, String createdOn) {
        return new Deployment(id, createdOn, List.of(new Deployment.Split(versionId, 100)), null, "api");
    }

    @Test
    void the_platforms_database_syncs_every_commit_and_kv_and_records_at_checkpoints() throws Exception {
        // PRAGMA synchronous: 2 is FULL (the log synced at every commit), 1 NORMAL (at checkpoints).
        assertThat(synchronous(SqliteFiles.tenantd(dir))).isEqualTo(2);
        assertThat(synchronous(SqliteFiles.kv(dir))).isEqualTo(1);
        assertThat(synchronous(SqliteFiles.migrated(dir.resolve("invocations.sqlite"), "classpath:db/invocations/sqlite",
                org.sqlite.SQLiteConfig.SynchronousMode.NORMAL))).isEqualTo(1);
    }

    private static int synchronous(org.sqlite.SQLiteDataSource source) throws Exception {
        try (java.sql.Connection c = source.getConnection(); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void a_token_is_checked_while_another_read_and_a_write_are_still_running() throws Exception {
        SqliteStore store = SqliteStore.open(dir);
        store.ensureAccount("acct", "acct");
        store.putToken("acct", "sha-of-token", "bootstrap");
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            // Another account's long read, held open until the token was checked.
            java.util.concurrent.Future<String> longRead = other.submit(() -> store.read(() -> {
                reading.countDown();
                release.await(5, java.util.concurrent.TimeUnit.MINUTES);
                return "done";
            }));
            assertThat(reading.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.CompletableFuture<Optional<String>> check = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> store.tokenAccount("sha-of-token"));
            assertThat(check.get(30, java.util.concurrent.TimeUnit.SECONDS)).contains("acct");
            // A write goes on beside the read too, and the next read sees it.
            store.putToken("acct", "sha-of-another", "second");
            assertThat(store.tokenAccount("sha-of-another")).contains("acct");
            release.countDown();
            assertThat(longRead.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("done");
        } finally {
            release.countDown();
            other.shutdownNow();
            store.close();
        }
    }

    @Test
    void a_new_script_is_created_and_modified_at_the_moment_of_its_first_deployment() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.ensureAccount("acct", "acct");
            ScriptRef ref = ScriptRef.plain("acct", "site");
            String at = "2026-03-04T05:06:07.089Z";
            Script created = store.saveVersion(ref, version("v1", 1, at), Optional.of(deployment("d1", "v1", at)));
            assertThat(created.createdOn()).isEqualTo(at);
            assertThat(created.modifiedOn()).isEqualTo(at);
            assertThat(store.script(ref).orElseThrow().createdOn()).isEqualTo(at);

            String later = "2026-03-04T05:07:00.000Z";
            Script updated = store.saveVersion(ref, version("v2", 2, later), Optional.of(deployment("d2", "v2", later)));
            assertThat(updated.createdOn()).isEqualTo(at);
            assertThat(updated.modifiedOn()).isEqualTo(later);
        }
    }
}
