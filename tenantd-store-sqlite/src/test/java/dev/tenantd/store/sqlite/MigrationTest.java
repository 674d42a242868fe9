package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptRef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Databases written by earlier versions open with what later versions added filled in. */
class MigrationTest {
    @TempDir
    Path dir;

    @Test
    void scripts_stored_before_deployments_get_one_deployment_of_their_current_version() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("tenantd.db");
        Flyway.configure(SqliteStore.class.getClassLoader()).dataSource(url, null, null)
                .locations("classpath:db/tenantd/sqlite").target("3").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO accounts VALUES ('acct', 'acct', '2026-01-01T00:00:00Z')");
            st.execute("INSERT INTO scripts (id, account_id, namespace_id, name, current_version_id, tags, created_on, modified_on) "
                    + "VALUES ('s1', 'acct', '', 'old', 'v1', '[\"t\"]', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')");
            st.execute("INSERT INTO script_versions (id, script_id, number, main_module, service_worker, compatibility_date, "
                    + "compatibility_flags, modules, bindings, etag, startup_time_ms, created_on) VALUES ('v1', 's1', 1, "
                    + "'w.js', 0, '2024-01-01', '[]', '[]', '[]', 'e1', 3, '2026-01-02T00:00:00Z')");
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            Script s = store.script(ScriptRef.plain("acct", "old")).orElseThrow();
            assertThat(s.current().id()).isEqualTo("v1");
            assertThat(s.deployment().versions()).hasSize(1);
            assertThat(s.deployment().versions().getFirst().versionId()).isEqualTo("v1");
            assertThat(s.deployment().versions().getFirst().percentage()).isEqualTo(100.0);
            assertThat(store.deployments(ScriptRef.plain("acct", "old"))).hasSize(1);
            assertThat(s.tags()).containsExactly("t");
        }
    }

    @Test
    void versions_that_shared_a_number_before_numbers_were_unique_keep_the_oldest_and_number_the_rest_after_it()
            throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("tenantd.db");
        Flyway.configure(SqliteStore.class.getClassLoader()).dataSource(url, null, null)
                .locations("classpath:db/tenantd/sqlite").target("4").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO accounts VALUES ('acct', 'acct', '2026-01-01T00:00:00Z')");
            for (String script : new String[] {"one", "two"}) {
                st.execute("INSERT INTO scripts (id, account_id, namespace_id, name, current_version_id, tags, created_on, "
                        + "modified_on) VALUES ('" + script + "', 'acct', '', '" + script + "', '" + script
                        + "-d', '[]', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')");
            }
            // Script "one": two uploads both stored number 2, and two more both stored 3; "two" is as it should be.
            String[][] versions = {{"one-a", "one", "1", "01"}, {"one-c", "one", "2", "03"}, {"one-b", "one", "2", "02"},
                    {"one-d", "one", "3", "04"}, {"one-e", "one", "3", "04"}, {"two-a", "two", "1", "01"},
                    {"two-b", "two", "2", "02"}};
            for (String[] v : versions) {
                st.execute("INSERT INTO script_versions (id, script_id, number, main_module, service_worker, "
                        + "compatibility_date, compatibility_flags, modules, bindings, etag, startup_time_ms, created_on) "
                        + "VALUES ('" + v[0] + "', '" + v[1] + "', " + v[2] + ", 'w.js', 0, '2024-01-01', '[]', '[]', '[]', "
                        + "'e', 3, '2026-01-" + v[3] + "T00:00:00Z')");
            }
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.versions(ScriptRef.plain("acct", "one"))).extracting(v -> v.id() + "=" + v.number())
                    .containsExactlyInAnyOrder("one-a=1", "one-b=2", "one-d=3", "one-c=4", "one-e=5");
            assertThat(store.versions(ScriptRef.plain("acct", "two"))).extracting(v -> v.id() + "=" + v.number())
                    .containsExactlyInAnyOrder("two-a=1", "two-b=2");
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                java.sql.ResultSet unique = st.executeQuery(
                        "SELECT COUNT(*) FROM pragma_index_list('script_versions') WHERE name = 'script_versions_by_script' "
                                + "AND \"unique\" = 1")) {
            assertThat(unique.next()).isTrue();
            assertThat(unique.getInt(1)).as("numbers are unique by index").isEqualTo(1);
        }
    }

    @Test
    void versions_stored_with_their_asset_manifests_inline_name_a_stored_manifest_and_those_without_none() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("tenantd.db");
        Flyway.configure(SqliteStore.class.getClassLoader()).dataSource(url, null, null)
                .locations("classpath:db/tenantd/sqlite").target("7").load().migrate();
        String manifest = "{\"manifest\":{\"/index.html\":{\"hash\":\"h1\",\"size\":3,\"sha256\":\"" + "e".repeat(64)
                + "\"}},\"config\":{\"run_worker_first\":true}}";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO accounts VALUES ('acct', 'acct', '2026-01-01T00:00:00Z')");
            st.execute("INSERT INTO scripts (id, account_id, namespace_id, name, current_version_id, tags, created_on, modified_on) "
                    + "VALUES ('s1', 'acct', '', 'site', 'v2', '[]', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')");
            for (String v : new String[] {"1", "2"}) {
                st.execute("INSERT INTO script_versions (id, script_id, number, main_module, service_worker, compatibility_date, "
                        + "compatibility_flags, modules, bindings, etag, startup_time_ms, created_on, assets) VALUES ('v" + v
                        + "', 's1', " + v + ", 'w.js', 0, '2024-01-01', '[]', '[]', '[]', 'e', 3, '2026-01-02T00:00:00Z', '"
                        + (v.equals("1") ? "{}" : manifest) + "')");
            }
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            var versions = store.versions(ScriptRef.plain("acct", "site"));
            assertThat(versions).extracting(v -> v.id() + "=" + v.assetsId()).containsExactly("v2=v:v2", "v1=");
            assertThat(store.assetManifest("v:v2")).contains(manifest);
            java.util.Set<String> referenced = new java.util.HashSet<>();
            store.referencedBlobs(referenced::add);
            assertThat(referenced).contains("e".repeat(64));
        }
    }

    @Test
    void kv_namespaces_stored_before_their_sizes_were_kept_open_with_the_sizes_of_their_entries() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("kv.sqlite");
        Flyway.configure(SqliteKvStore.class.getClassLoader()).dataSource(url, null, null)
                .locations("classpath:db/kv/sqlite").target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO kv_namespaces VALUES ('n1', 'acct', 'one'), ('n2', 'acct', 'two')");
            // Keys of 1 and 2 bytes, values of 3 and 0, metadata of 8 bytes in UTF-8 ("ü" is two).
            st.execute("INSERT INTO kv_entries VALUES ('n1', X'61', X'010203', NULL, NULL),"
                    + " ('n1', X'6263', X'', '{\"ü\":1}', 100)");
        }
        try (SqliteKvStore store = SqliteKvStore.open(dir, 1)) {
            assertThat(store.namespaceBytes("n1")).isEqualTo(4 + 10 + 2 * dev.tenantd.platform.kv.KvStore.ENTRY_OVERHEAD_BYTES);
            assertThat(store.namespaceBytes("n2")).isZero();
        }
    }
}
