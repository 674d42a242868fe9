package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Assets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asset upload sessions are bounded: a site's number of files and a file's path length, and what
 * the sessions of an account hold at once (each is kept for an hour).
 */
class AssetLimitsTest {
    @TempDir
    Path dir;

    private static String file(String path, int n) {
        return "\"" + path + "\":{\"hash\":\"" + String.format("%032x", n) + "\",\"size\":1}";
    }

    @Test
    void a_manifest_over_the_limits_and_sessions_past_the_cap_are_refused() {
        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/site"), "{\"main_module\":\"w.js\"}", "w.js",
                    "export default { fetch() { return new Response('w'); } };").status()).isEqualTo(200);
            String url = t.accountApi("/workers/scripts/site/assets-upload-session");

            String tooMany = IntStream.rangeClosed(0, Assets.MAX_FILES).mapToObj(i -> file("/f" + i, i))
                    .collect(Collectors.joining(",", "{\"manifest\":{", "}}"));
            TestServer.Reply many = t.postJson(url, tooMany);
            assertThat(many.status()).isEqualTo(400);
            assertThat(many.message()).contains("at most " + Assets.MAX_FILES);

            TestServer.Reply longPath = t.postJson(url, "{\"manifest\":{" + file("/" + "p".repeat(Assets.MAX_PATH_CHARS), 1)
                    + "}}");
            assertThat(longPath.status()).isEqualTo(400);
            assertThat(longPath.message()).contains("longer than " + Assets.MAX_PATH_CHARS);

            // Sessions of the last hour together hold at most MAX_SESSION_FILES files.
            String half = IntStream.range(0, Assets.MAX_SESSION_FILES / 2).mapToObj(i -> file("/f" + i, i))
                    .collect(Collectors.joining(",", "{\"manifest\":{", "}}"));
            assertThat(t.postJson(url, half).status()).isEqualTo(200);
            assertThat(t.postJson(url, half).status()).isEqualTo(200);
            TestServer.Reply refused = t.postJson(url, "{\"manifest\":{" + file("/a.txt", 99) + "}}");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.message()).contains(Assets.MAX_SESSION_FILES + " files are kept at once");
        }
    }

    @Test
    void an_asset_file_may_be_25_mib_and_its_upload_is_not_held_to_the_script_size_limit() {
        // A script size limit of 1 MB: a 3 MB asset (4 MB base64) still goes up, as wrangler sends it.
        try (TestServer t = new TestServer(dir, List.of(), 1024 * 1024)) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/big-site"), "{\"main_module\":\"w.js\"}", "w.js",
                    "export default { fetch() { return new Response('w'); } };").status()).isEqualTo(200);
            String url = t.accountApi("/workers/scripts/big-site/assets-upload-session");
            TestServer.Reply tooLarge = t.postJson(url, "{\"manifest\":{\"/movie.mp4\":{\"hash\":\""
                    + String.format("%032x", 7) + "\",\"size\":" + (Assets.MAX_FILE_BYTES + 1) + "}}}");
            assertThat(tooLarge.status()).isEqualTo(400);
            assertThat(tooLarge.message()).contains("at most " + Assets.MAX_FILE_BYTES + " bytes (25 MiB)");

            String hash = String.format("%032x", 8);
            String content = "a".repeat(3 * 1024 * 1024);
            TestServer.Reply session = t.assetSession("big-site", "/big.txt", hash, content.length());
            String jwt = session.json().path("result").path("jwt").asText();
            assertThat(t.uploadAsset(jwt, hash, content)).isNotEmpty();
        }
    }
}
