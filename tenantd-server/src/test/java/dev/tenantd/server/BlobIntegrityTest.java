package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tenantd.platform.store.BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The blob files under the data directory: a stored module changed on disk is never
 * run or returned (the client and the log say what happened), and a write a crash
 * interrupted does not outlive the next start.
 */
class BlobIntegrityTest {
    @TempDir
    Path dir;

    static final String GENUINE = "export default { fetch() { return new Response('genuine'); } };";
    static final String META = "{\"main_module\":\"main.js\",\"compatibility_date\":\"2024-09-23\"}";

    @Test
    void writes_a_crash_interrupted_are_removed_at_start() throws Exception {
        Path tmp = dir.resolve("blobs").resolve("tmp");
        Files.createDirectories(tmp);
        Path empty = Files.writeString(tmp.resolve("0f3a-1.part"), "");
        Path half = Files.writeString(tmp.resolve("0f3a-2.part"), "export default { fe");
        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.get(t.api("/user/tokens/verify")).status()).isEqualTo(200);
            assertThat(empty).doesNotExist();
            assertThat(half).doesNotExist();
        }
    }

    @Test
    void a_static_asset_edited_on_disk_is_not_served() throws Exception {
        String hash = "0123456789abcdef0123456789abcdef";
        String page = "<h1>genuine</h1>\n";
        try (TestServer t = new TestServer(dir, List.of())) {
            TestServer.Reply session = t.assetSession("site", "/index.html", hash, page.length());
            String completion = t.uploadAsset(session.json().path("result").path("jwt").asText(), hash, page);
            assertThat(t.putModule(t.accountApi("/workers/scripts/site"), "{\"main_module\":\"main.js\",\"assets\":{\"jwt\":\""
                    + completion + "\"}}", "main.js", GENUINE).status()).isEqualTo(200);
            assertThat(t.worker("GET", "site.localhost", "/index.html", null).body()).isEqualTo(page);

            String sha = BlobStore.sha256(page.getBytes(StandardCharsets.UTF_8));
            Files.writeString(dir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha), "<h1>tampered</h1>\n");
            TestServer.Reply served = t.worker("GET", "site.localhost", "/index.html", null);
            assertThat(served.status()).isEqualTo(503);
            assertThat(served.body()).contains("'site' is unavailable").doesNotContain("tampered");
        }
    }

    @Test
    void a_module_edited_on_disk_is_not_served_after_a_restart_and_an_upload_of_the_same_code_repairs_it() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/victim"), META, "main.js", GENUINE).status()).isEqualTo(200);
            assertThat(t.putJs(t.accountApi("/workers/scripts/bystander"),
                    "addEventListener('fetch', (e) => e.respondWith(new Response('bystander')));").status()).isEqualTo(200);
            assertThat(t.worker("GET", "victim.localhost", "/", null).body()).isEqualTo("genuine");
        }
        String hash = BlobStore.sha256(GENUINE.getBytes(StandardCharsets.UTF_8));
        Path blob = dir.resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash);
        Files.writeString(blob, "export default { fetch() { return new Response('tampered'); } };");

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger blobLog = (Logger) LoggerFactory.getLogger(BlobStore.class);
        blobLog.addAppender(log);
        try (TestServer t = new TestServer(dir, List.of())) {
            TestServer.Reply served = t.worker("GET", "victim.localhost", "/", null);
            assertThat(served.status()).isEqualTo(503);
            assertThat(served.body()).contains("'victim' is unavailable").contains("damaged").doesNotContain("tampered");
            assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("damaged").contains(blob.toAbsolutePath().toString()));

            TestServer.Reply content = t.get(t.accountApi("/workers/scripts/victim/content"));
            assertThat(content.status()).isEqualTo(500);
            assertThat(content.code()).isEqualTo(10013);
            assertThat(content.message()).contains(hash).contains("damaged");
            assertThat(content.body()).doesNotContain("tampered");

            assertThat(t.worker("GET", "bystander.localhost", "/", null).body()).isEqualTo("bystander");

            assertThat(t.putModule(t.accountApi("/workers/scripts/victim"), META, "main.js", GENUINE).status()).isEqualTo(200);
            assertThat(t.worker("GET", "victim.localhost", "/", null).body()).isEqualTo("genuine");
            assertThat(Files.readString(blob)).isEqualTo(GENUINE);
        } finally {
            blobLog.detachAppender(log);
        }
    }
}
