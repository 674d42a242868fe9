package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [limits] script-size-bytes} lowered by the operator: a version stored under the larger
 * limit keeps serving while it does, but no such version starts to serve again.
 */
class DeployedSizeTest {
    @TempDir
    Path dir;

    /** A worker with {@code padding} characters that do not compress (the limit counts compressed bytes). */
    private static String code(String answer, int padding) {
        byte[] noise = new byte[padding];
        new java.util.Random(padding).nextBytes(noise);
        String text = java.util.Base64.getEncoder().encodeToString(noise).substring(0, padding);
        return "// " + text + "\nexport default { fetch() { return new Response('" + answer + "'); } };";
    }

    private static TestServer.Reply deploy(TestServer t, String versionId) {
        return t.postJson(t.accountApi("/workers/scripts/sized/deployments"),
                "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\"" + versionId + "\",\"percentage\":100}]}");
    }

    @Test
    void a_version_larger_than_the_lowered_limit_is_not_deployed_again() {
        String small;
        String large;
        try (TestServer t = new TestServer(dir, List.of(), 1 << 20)) {
            t.deploy("/workers/scripts/sized", "{\"main_module\":\"w.js\"}", "w.js", code("small", 100));
            t.deploy("/workers/scripts/sized", "{\"main_module\":\"w.js\"}", "w.js", code("large", 5_000));
            var versions = t.get(t.accountApi("/workers/scripts/sized/versions")).json().path("result").path("items");
            large = versions.get(0).path("id").asText();
            small = versions.get(1).path("id").asText();
        }
        try (TestServer t = new TestServer(dir, List.of(), 2_000)) {
            assertThat(t.worker("GET", "sized.localhost", "/", null).body()).as("serving, it keeps serving")
                    .isEqualTo("large");
            assertThat(deploy(t, large).status()).as("it serves already").isEqualTo(200);
            assertThat(deploy(t, small).status()).isEqualTo(200);

            TestServer.Reply again = deploy(t, large);

            assertThat(again.status()).as(again.body()).isEqualTo(413);
            assertThat(again.code()).isEqualTo(10027);
            assertThat(again.message()).contains("the limit is 2000 bytes after compression now");
            assertThat(t.worker("GET", "sized.localhost", "/", null).body()).isEqualTo("small");
        }
    }
}
