package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.platform.observability.InvocationQuery;
import dev.tenantd.platform.observability.InvocationStoreContract;
import dev.tenantd.platform.store.InvocationStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteInvocationStoreTest extends InvocationStoreContract {
    @Override
    protected InvocationStore open(Path dir) {
        return SqliteInvocationStore.open(dir, 2);
    }

    @Test
    void a_batch_is_one_chunk_per_script_and_a_damaged_chunk_hides_no_other() throws Exception {
        store.insert(List.of(entry("a", "", "one", 1_000, "ok", 200, List.of(), "first"),
                entry("a", "", "two", 2_000, "ok", 200, List.of(), "second"),
                entry("a", "", "one", 3_000, "ok", 200, List.of(), "third")));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("invocations.sqlite"));
                Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT script, records_count FROM invocation_chunks ORDER BY position")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1) + rs.getInt(2)).isEqualTo("one2");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1) + rs.getInt(2)).isEqualTo("two1");
                assertThat(rs.next()).isFalse();
            }
            st.executeUpdate("UPDATE invocation_chunks SET records = x'01000000ff' WHERE script = 'one'");
        }
        assertThat(store.query(InvocationQuery.all("a")).entries()).extracting(InvocationEntry::script)
                .containsExactly("two");
    }
}
