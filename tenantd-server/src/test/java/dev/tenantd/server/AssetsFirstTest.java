package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which answers a request to a worker with static assets: the asset for a GET or HEAD whose
 * path names one, unless the site's config runs the worker first; the worker for everything
 * else. The same on a site's first request (its manifest not read yet) and on later ones.
 */
class AssetsFirstTest {
    @TempDir
    Path dir;

    static final String HASH = "00112233445566778899aabbccddeeff";
    static final String PAGE = "<h1>the asset</h1>\n";
    static final String WORKER = "export default { fetch(request) { return new Response('the worker ' + request.method); } };";

    /** Uploads the site's one file (unless the server has it) and deploys {@code script} with {@code config}. */
    private static void deploy(TestServer t, String script, String config) {
        TestServer.Reply session = t.assetSession(script, "/index.html", HASH, PAGE.length());
        String jwt = session.json().path("result").path("jwt").asText();
        if (session.json().path("result").path("buckets").size() > 0) {
            jwt = t.uploadAsset(jwt, HASH, PAGE);
        }
        t.deploy("/workers/scripts/" + script, "{\"main_module\":\"main.js\",\"assets\":{\"jwt\":\"" + jwt + "\""
                + (config == null ? "" : ",\"config\":" + config) + "}}", "main.js", WORKER);
    }

    @Test
    void assets_answer_gets_and_heads_first_unless_the_worker_runs_first() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            deploy(t, "site", null);
            deploy(t, "app", "{\"run_worker_first\":true}");
            for (int round = 0; round < 2; round++) { // the first request reads the manifest; the second finds it read
                assertThat(t.worker("GET", "site.localhost", "/index.html", null).body()).isEqualTo(PAGE);
                assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo(PAGE);
                assertThat(t.worker("HEAD", "site.localhost", "/index.html", null).status()).isEqualTo(200);
                assertThat(t.worker("POST", "site.localhost", "/index.html", "x").body()).isEqualTo("the worker POST");
                assertThat(t.worker("GET", "site.localhost", "/missing", null).body()).isEqualTo("the worker GET");
                assertThat(t.worker("GET", "app.localhost", "/index.html", null).body()).isEqualTo("the worker GET");
            }
        }
    }

    @Test
    void a_version_names_its_stored_manifest_and_versions_of_the_same_site_share_one() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            deploy(t, "site", null);
            deploy(t, "copy", null);
            String id = assetsId(t, "site");
            // what is held for every script served is the manifest's id, not the manifest
            assertThat(id).matches("[0-9a-f]{64}");
            assertThat(assetsId(t, "copy")).isEqualTo(id);
            // keeping the assets keeps the manifest; a new config with them is a manifest of its own
            t.deploy("/workers/scripts/site", "{\"main_module\":\"main.js\",\"keep_assets\":true}", "main.js", WORKER);
            assertThat(assetsId(t, "site")).isEqualTo(id);
            t.deploy("/workers/scripts/site", "{\"main_module\":\"main.js\",\"keep_assets\":true,"
                    + "\"assets\":{\"config\":{\"run_worker_first\":true}}}", "main.js", WORKER);
            assertThat(assetsId(t, "site")).isNotEqualTo(id).matches("[0-9a-f]{64}");
            assertThat(t.worker("GET", "site.localhost", "/index.html", null).body()).isEqualTo("the worker GET");
            assertThat(t.worker("GET", "copy.localhost", "/index.html", null).body()).isEqualTo(PAGE);
        }
    }

    @Test
    void an_upload_that_fails_stores_no_manifest() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            TestServer.Reply session = t.assetSession("broken", "/index.html", HASH, PAGE.length());
            String jwt = t.uploadAsset(session.json().path("result").path("jwt").asText(), HASH, PAGE);
            TestServer.Reply failed = t.putModule(t.accountApi("/workers/scripts/broken"), "{\"main_module\":\"main.js\","
                    + "\"assets\":{\"jwt\":\"" + jwt + "\"}}", "main.js", "throw new Error('does not start');");
            assertThat(failed.status()).isEqualTo(400);
            assertThat(storedManifests()).isZero();
            t.deploy("/workers/scripts/broken", "{\"main_module\":\"main.js\",\"assets\":{\"jwt\":\"" + jwt + "\"}}",
                    "main.js", WORKER);
            assertThat(storedManifests()).isEqualTo(1);
        }
    }

    private long storedManifests() throws java.sql.SQLException {
        try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tenantd.db"));
                var rows = db.createStatement().executeQuery("SELECT COUNT(*) FROM asset_manifests")) {
            return rows.getLong(1);
        }
    }

    private static String assetsId(TestServer t, String script) {
        return t.server.platform().directory().script(dev.tenantd.platform.ScriptRef.plain(TestServer.ACCOUNT, script))
                .orElseThrow().current().assetsId();
    }

    private static TestServer.Reply get(TestServer t, String host, String path, String ifNoneMatch) {
        return t.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + t.server.port() + path))
                .header("Host", host).header("If-None-Match", ifNoneMatch).GET());
    }

    @Test
    void a_client_that_has_the_file_gets_a_304_with_its_etag_and_no_body() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            deploy(t, "site", null);
            TestServer.Reply first = t.worker("GET", "site.localhost", "/index.html", null);
            String etag = first.headers().firstValue("etag").orElseThrow();
            for (String tags : List.of(etag, "W/" + etag, "\"other\", " + etag, "*")) {
                TestServer.Reply again = get(t, "site.localhost", "/index.html", tags);
                assertThat(again.status()).as(tags).isEqualTo(304);
                assertThat(again.body()).isEmpty();
                assertThat(again.headers().firstValue("etag")).contains(etag);
            }
            TestServer.Reply changed = get(t, "site.localhost", "/index.html", "\"something-else\"");
            assertThat(changed.status()).isEqualTo(200);
            assertThat(changed.body()).isEqualTo(PAGE);
        }
    }
}
