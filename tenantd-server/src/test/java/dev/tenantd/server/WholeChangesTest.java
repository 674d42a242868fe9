package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptRef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request of the control API that changes several things (an upload's version, tags and
 * script settings; a namespace's name, egress policy and trust) stores all of them or none.
 * The database itself refuses one part here, as a full disk or a broken file would: a trigger
 * aborts the write of that part.
 */
class WholeChangesTest {
    @TempDir
    static Path dir;
    static TestServer t;

    static final String NS = "/workers/dispatch/namespaces";
    private final List<String> triggers = new ArrayList<>();

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @AfterEach
    void dropTriggers() throws Exception {
        for (String name : triggers) {
            sql("DROP TRIGGER IF EXISTS " + name);
        }
        triggers.clear();
    }

    private static void sql(String statement) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tenantd.db"));
                Statement st = db.createStatement()) {
            st.execute(statement);
        }
    }

    /** Makes the database refuse an update of {@code column} of {@code table} whose new value contains {@code marker}. */
    private void refuse(String table, String column, String marker) throws Exception {
        String name = "refuse_" + table + "_" + column;
        sql("CREATE TRIGGER " + name + " BEFORE UPDATE OF " + column + " ON " + table + " WHEN NEW." + column
                + " LIKE '%" + marker + "%' BEGIN SELECT RAISE(ABORT, 'refused'); END");
        triggers.add(name);
    }

    private static TestServer.Reply upload(String path, String metadata, String answer) {
        return t.putModule(t.accountApi(path), metadata, "w.js",
                "export default { fetch() { return new Response('" + answer + "'); } };");
    }

    private static int versions(String scriptPath) {
        TestServer.Reply r = t.get(t.accountApi(scriptPath + "/versions"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("result").path("items").size();
    }

    @Test
    void an_upload_whose_tags_cannot_be_stored_leaves_no_version_behind() throws Exception {
        String path = "/workers/scripts/tagged";
        assertThat(upload(path, "{\"main_module\":\"w.js\",\"tags\":[\"first\"]}", "one").status()).isEqualTo(200);
        refuse("scripts", "tags", "refused");

        TestServer.Reply r = upload(path, "{\"main_module\":\"w.js\",\"tags\":[\"refused\"]}", "two");

        assertThat(r.status()).as(r.body()).isEqualTo(500);
        assertThat(versions(path)).as("the version went with its tags").isEqualTo(1);
        assertThat(t.get(t.accountApi(path + "/tags")).json().path("result").toString()).isEqualTo("[\"first\"]");
        dropTriggers();
        assertThat(upload(path, "{\"main_module\":\"w.js\",\"tags\":[\"refused\"]}", "two").status()).isEqualTo(200);
        assertThat(versions(path)).isEqualTo(2);
    }

    @Test
    void a_first_upload_whose_tags_cannot_be_stored_leaves_no_script_behind() throws Exception {
        refuse("scripts", "tags", "refused");

        TestServer.Reply r = upload("/workers/scripts/never", "{\"main_module\":\"w.js\",\"tags\":[\"refused\"]}", "one");

        assertThat(r.status()).as(r.body()).isEqualTo(500);
        JsonNode listed = t.get(t.accountApi("/workers/scripts")).json().path("result");
        assertThat(listed.findValuesAsText("id")).doesNotContain("never");
    }

    @Test
    void an_upload_whose_observability_settings_cannot_be_stored_leaves_no_version_behind() throws Exception {
        String path = "/workers/scripts/observed";
        assertThat(upload(path, "{\"main_module\":\"w.js\"}", "one").status()).isEqualTo(200);
        refuse("scripts", "settings", "head_sampling_rate");

        TestServer.Reply r = upload(path,
                "{\"main_module\":\"w.js\",\"observability\":{\"enabled\":true,\"head_sampling_rate\":0.5}}", "two");

        assertThat(r.status()).as(r.body()).isEqualTo(500);
        assertThat(versions(path)).isEqualTo(1);
        dropTriggers();
        assertThat(upload(path, "{\"main_module\":\"w.js\",\"observability\":{\"enabled\":true,\"head_sampling_rate\":0.5}}",
                "two").status()).isEqualTo(200);
        assertThat(versions(path)).isEqualTo(2);
        assertThat(t.get(t.accountApi(path + "/script-settings")).json().path("result").path("observability")
                .path("head_sampling_rate").asDouble()).isEqualTo(0.5);
    }

    @Test
    void a_namespace_whose_egress_policy_cannot_be_stored_is_not_made_without_it() throws Exception {
        refuse("namespaces", "egress", "10.0.0.0");

        TestServer.Reply r = t.postJson(t.accountApi(NS),
                "{\"name\":\"fenced\",\"trusted_workers\":true,\"egress\":{\"allow\":[\"10.0.0.0/8\"],\"block\":[]}}");

        assertThat(r.status()).as(r.body()).isEqualTo(500);
        assertThat(t.get(t.accountApi(NS + "/fenced")).status()).as("no namespace with an open policy").isEqualTo(404);
        dropTriggers();
        r = t.postJson(t.accountApi(NS),
                "{\"name\":\"fenced\",\"trusted_workers\":true,\"egress\":{\"allow\":[\"10.0.0.0/8\"],\"block\":[]}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("result").path("trusted_workers").asBoolean()).isTrue();
    }

    @Test
    void a_namespace_change_whose_egress_policy_cannot_be_stored_keeps_its_name() throws Exception {
        t.createNamespace("before");
        refuse("namespaces", "egress", "10.0.0.0");

        TestServer.Reply r = t.send(t.authed(t.accountApi(NS + "/before")).header("content-type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"after\",\"egress\":{\"allow\":[\"10.0.0.0/8\"],\"block\":[]}}")));

        assertThat(r.status()).as(r.body()).isEqualTo(500);
        assertThat(t.get(t.accountApi(NS + "/before")).status()).isEqualTo(200);
        assertThat(t.get(t.accountApi(NS + "/after")).status()).isEqualTo(404);
    }

    @Test
    void deleting_a_listed_script_spares_one_made_under_its_name_since() {
        String path = "/workers/scripts/reborn";
        assertThat(upload(path, "{\"main_module\":\"w.js\",\"tags\":[\"old\"]}", "one").status()).isEqualTo(200);
        ScriptRef ref = t.server.platform().scripts().ref(TestServer.ACCOUNT, Optional.empty(), "reborn");
        Script listed = t.server.platform().scripts().get(ref);
        assertThat(t.delete(t.accountApi(path)).status()).isEqualTo(200);
        assertThat(upload(path, "{\"main_module\":\"w.js\",\"tags\":[\"new\"]}", "two").status()).isEqualTo(200);

        assertThat(t.server.platform().scripts().deleteListed(listed)).isFalse();

        assertThat(t.get(t.accountApi(path + "/tags")).json().path("result").toString()).isEqualTo("[\"new\"]");
        assertThat(t.server.platform().scripts().deleteListed(t.server.platform().scripts().get(ref))).isTrue();
        assertThat(t.server.platform().scripts().deleteListed(listed)).as("gone now").isFalse();
    }
}
