package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replaced or deleted version's isolate is closed once its grace period (the wall-time limit) is over. */
class RetiredVersionsTest {
    @TempDir
    Path dir;

    private static void awaitLive(TestServer t, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.server.platform().liveIsolates() != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(t.server.platform().liveIsolates()).isEqualTo(expected);
    }

    @Test
    void redeploys_and_deletes_return_their_isolates() {
        Limits limits = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 500, 100, 100);
        try (TestServer t = new TestServer(dir, List.of(), limits, EgressPolicy.OPEN)) {
            t.putModule(t.accountApi("/workers/scripts/site"), "{\"main_module\":\"a.js\"}", "a.js",
                    "export default { fetch() { return new Response('one'); } };");
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("one");
            awaitLive(t, 1);

            t.putModule(t.accountApi("/workers/scripts/site"), "{\"main_module\":\"a.js\"}", "a.js",
                    "export default { fetch() { return new Response('two'); } };");
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("two");
            awaitLive(t, 1);

            t.delete(t.accountApi("/workers/scripts/site"));
            awaitLive(t, 0);
            assertThat(t.worker("GET", "site.localhost", "/", null).status()).isEqualTo(404);
        }
    }
}
