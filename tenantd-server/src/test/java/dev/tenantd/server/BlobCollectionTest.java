package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.store.BlobCollector;
import dev.tenantd.platform.store.BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored content nothing uses any more leaves the disk: the modules of a deleted worker and a
 * static file uploaded but served by no version go, while everything a version still serves
 * stays, and the same content can be uploaded again afterwards.
 */
class BlobCollectionTest {
    @TempDir
    Path dir;

    static final String META = "{\"main_module\":\"main.js\",\"compatibility_date\":\"2024-09-23\"}";
    static final String KEPT = "export default { fetch() { return new Response('kept'); } };";
    static final String DROPPED = "export default { fetch() { return new Response('dropped'); } };";
    static final String HASH = "0123456789abcdef0123456789abcdef";
    static final String FILE = "body { color: teal }\n";

    private Path blob(String content) {
        String sha = BlobStore.sha256(content.getBytes(StandardCharsets.UTF_8));
        return dir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha);
    }

    /** Starts an asset upload session naming the site's one file; returns its JSON answer. */
    private static TestServer.Reply session(TestServer t) {
        return t.assetSession("site", "/site.css", HASH, FILE.length());
    }

    /** Uploads the session's one file; returns the completion token. */
    private static String upload(TestServer t, TestServer.Reply session) {
        return t.uploadAsset(session.json().path("result").path("jwt").asText(), HASH, FILE);
    }

    @Test
    void what_no_version_uses_is_removed_and_what_one_serves_stays() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            t.deploy("/workers/scripts/keeper", META, "main.js", KEPT);
            t.deploy("/workers/scripts/leaver", META, "main.js", DROPPED);
            assertThat(t.delete(t.accountApi("/workers/scripts/leaver")).status()).isEqualTo(200);
            // a static file uploaded through a session that no version ever used
            upload(t, session(t));
            assertThat(blob(DROPPED)).exists();
            assertThat(blob(FILE)).exists();

            BlobCollector collector = t.server.platform().blobCollector();
            assertThat(collector.collect(BlobCollector.GRACE)).as("everything is newer than the grace period")
                    .isEqualTo(new BlobCollector.Collected(0, 0, 0));
            assertThat(blob(DROPPED)).exists();
            assertThat(blob(FILE)).exists();

            BlobCollector.Collected collected = collector.collect(Duration.ZERO);
            assertThat(collected.assetRecords()).isEqualTo(1);
            assertThat(collected.blobs()).isEqualTo(2);
            assertThat(blob(DROPPED)).doesNotExist();
            assertThat(blob(FILE)).doesNotExist();
            assertThat(blob(KEPT)).exists();
            assertThat(t.get(t.accountApi("/workers/scripts/keeper/content")).body()).contains(KEPT);
            assertThat(t.worker("GET", "keeper.localhost", "/", null).body()).isEqualTo("kept");

            // the file is asked for again, and the removed module can be uploaded again
            assertThat(session(t).json().path("result").path("buckets").toString()).contains(HASH);
            t.deploy("/workers/scripts/leaver", META, "main.js", DROPPED);
            assertThat(t.worker("GET", "leaver.localhost", "/", null).body()).isEqualTo("dropped");
        }
        // the kept worker starts from its blob after a restart
        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.worker("GET", "keeper.localhost", "/", null).body()).isEqualTo("kept");
        }
    }

    @Test
    void a_file_an_upload_session_found_stored_outlasts_a_collection_until_the_session_deploys() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            upload(t, session(t));
            // the file's record and blob look unused for days
            try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tenantd.db"));
                    var st = db.createStatement()) {
                assertThat(st.executeUpdate("UPDATE assets SET last_used = 0")).isEqualTo(1);
            }
            java.nio.file.Files.setLastModifiedTime(blob(FILE), java.nio.file.attribute.FileTime.fromMillis(0));

            TestServer.Reply again = session(t);
            assertThat(again.json().path("result").path("buckets").size()).as("the server has the file").isZero();
            assertThat(t.server.platform().blobCollector().collect(BlobCollector.GRACE))
                    .isEqualTo(new BlobCollector.Collected(0, 0, 0));

            t.deploy("/workers/scripts/site", "{\"main_module\":\"main.js\",\"assets\":{\"jwt\":\""
                    + again.json().path("result").path("jwt").asText() + "\"}}", "main.js", KEPT);
            assertThat(t.worker("GET", "site.localhost", "/site.css", null).body()).isEqualTo(FILE);
        }
    }
}
