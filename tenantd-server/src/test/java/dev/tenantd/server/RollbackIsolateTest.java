package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Limits;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version that stops serving is closed after the grace period (the wall-time limit)
 * unless a later deployment serves it again: a quick rollback keeps the warm isolate.
 */
class RollbackIsolateTest {
    @TempDir
    Path dir;

    @Test
    void a_rollback_within_the_grace_period_keeps_the_isolate_serving_after_it() throws Exception {
        try (TestServer t = new TestServer(dir, List.of(), new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 400, 100, 100))) {
            String counter = "let n = 0; export default { fetch() { n++; return new Response(VERSION + ' ' + n); } };";
            String v1 = t.putModule(t.accountApi("/workers/scripts/roll"), "{\"main_module\":\"w.js\"}", "w.js",
                    "const VERSION = 'one'; " + counter).json().path("result").path("version_id").asText();
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).isEqualTo("one 1");
            t.putModule(t.accountApi("/workers/scripts/roll"), "{\"main_module\":\"w.js\"}", "w.js", "const VERSION = 'two'; " + counter);
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).isEqualTo("two 1");

            assertThat(t.postJson(t.accountApi("/workers/scripts/roll/deployments"),
                    "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\"" + v1 + "\",\"percentage\":100}]}").status())
                    .isEqualTo(200);
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).isEqualTo("one 2");
            Thread.sleep(1500); // well past the 400 ms grace period of the retirement scheduled when "two" was deployed
            assertThat(t.worker("GET", "roll.localhost", "/", null).body())
                    .as("the same isolate, its module state intact").isEqualTo("one 3");
        }
    }
}
