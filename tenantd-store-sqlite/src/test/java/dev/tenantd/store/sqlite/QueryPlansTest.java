package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's queries whose cost would grow with the number of scripts without an index: SQLite's
 * plan for each names the index it reads and sorts nothing, whatever the tables hold.
 */
class QueryPlansTest {
    @TempDir
    Path dir;

    /** SQLite's plan of {@code sql}, one line per step. */
    private static String plan(Connection c, String sql, int params) throws Exception {
        List<String> steps = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 1; i <= params; i++) {
                st.setString(i, "x");
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    steps.add(rs.getString("detail"));
                }
            }
        }
        return String.join("\n", steps);
    }

    private Connection migrated() throws Exception {
        SqliteStore.open(dir).close();
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tenantd.db"));
    }

    @Test
    void a_page_of_a_namespace_s_scripts_is_read_in_creation_order_off_an_index() throws Exception {
        try (Connection c = migrated()) {
            assertThat(plan(c, SqliteStore.scriptWindowSql("s.account_id = ? AND s.namespace_id = ?", " LIMIT ? OFFSET ?"), 4))
                    .contains("scripts_by_creation").doesNotContain("TEMP B-TREE");
        }
    }

    @Test
    void a_namespace_s_script_count_is_found_by_its_id() throws Exception {
        try (Connection c = migrated()) {
            assertThat(plan(c, SqliteStore.namespaceSql("n.account_id = ?"), 1)).contains("scripts_by_namespace")
                    .doesNotContain("SCAN s");
        }
    }

    @Test
    void the_sweep_of_asset_manifests_finds_the_old_ones_by_time() throws Exception {
        try (Connection c = migrated()) {
            assertThat(plan(c, SqliteStore.UNUSED_MANIFESTS, 1)).contains("asset_manifests_by_age")
                    .doesNotContain("SCAN asset_manifests");
        }
    }
}
