package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GraphQL request returns at most 10,000 rows in all its datasets: aliases of one dataset,
 * each within its own limit, cannot make an answer of hundreds of thousands of rows, built in
 * memory on threads every account shares.
 */
class GraphqlRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestServer t;
    static final int MINUTES = 12_000;

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer(dir, List.of());
        // 12,000 minutes of one script's totals, as the records' writer keeps them.
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("invocations.sqlite"))) {
            db.setAutoCommit(false);
            try (PreparedStatement st = db.prepareStatement("INSERT INTO invocation_minutes (account_id, namespace, script, "
                    + "minute_ms, outcome, status, requests, errors, subrequests, cpu_ms_sum, wall_ms_sum) "
                    + "VALUES (?, 'bulk', 'many', ?, 'ok', 200, 1, 0, 0, 1.0, 1.0)")) {
                for (int i = 0; i < MINUTES; i++) {
                    st.setString(1, TestServer.ACCOUNT);
                    st.setLong(2, 1_700_000_000_000L - 1_700_000_000_000L % 60_000 + i * 60_000L);
                    st.addBatch();
                }
                st.executeBatch();
            }
            db.commit();
        }
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static JsonNode query(String datasets) {
        String q = "{ viewer { accounts(filter: {accountTag: \"" + TestServer.ACCOUNT + "\"}) { " + datasets + " } } }";
        TestServer.Reply r = t.postJson(t.api("/graphql"), JSON.createObjectNode().put("query", q).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static String abbreviated(JsonNode answer) {
        String text = answer.toString();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String dataset(String alias, int limit) {
        return alias + ": workersInvocationsAdaptive(limit: " + limit + ", filter: {datetime_geq: \"2023-01-01T00:00:00Z\", "
                + "datetime_leq: \"2024-01-01T00:00:00Z\"}) { dimensions { datetimeMinute } sum { requests } }";
    }

    @Test
    void datasets_within_10000_rows_together_are_answered() {
        JsonNode answer = query(dataset("a", 6000) + " " + dataset("b", 4000));
        assertThat(answer.get("errors").isNull()).as(abbreviated(answer)).isTrue();
        JsonNode account = answer.at("/data/viewer/accounts/0");
        assertThat(account.get("a").size()).isEqualTo(6000);
        assertThat(account.get("b").size()).isEqualTo(4000);
    }

    @Test
    void datasets_past_10000_rows_together_get_an_error_saying_what_to_lower() {
        JsonNode answer = query(dataset("a", 6000) + " " + dataset("b", 6000));
        assertThat(answer.get("errors").toString()).contains("The query asks for more than 10000 rows in all its datasets "
                + "(b went past it); lower their limits or group by fewer dimensions.");
        assertThat(answer.at("/errors/0/path").toString()).isEqualTo("[\"viewer\",\"accounts\",0,\"b\"]");
        assertThat(answer.at("/data/viewer").isNull()).as("no rows at all: " + abbreviated(answer)).isTrue();
    }
}
