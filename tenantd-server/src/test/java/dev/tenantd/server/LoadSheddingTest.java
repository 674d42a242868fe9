package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One script cannot hold more than its share of invocations in flight; the rest are shed with a 503. */
class LoadSheddingTest {
    @TempDir
    Path dir;

    @Test
    void requests_beyond_the_per_script_cap_are_shed_and_other_scripts_still_serve() throws Exception {
        Limits limits = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 60_000, 100, 2);
        try (TestServer t = new TestServer(dir, List.of(), limits, EgressPolicy.OPEN)) {
            t.putModule(t.accountApi("/workers/scripts/slow"), "{\"main_module\":\"s.js\"}", "s.js",
                    "export default { async fetch() { await new Promise((r) => setTimeout(r, 1500)); return new Response('slow done'); } };");
            t.putModule(t.accountApi("/workers/scripts/quick"), "{\"main_module\":\"q.js\"}", "q.js",
                    "export default { fetch() { return new Response('quick'); } };");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<TestServer.Reply>> replies = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    replies.add(pool.submit(() -> t.worker("GET", "slow.localhost", "/", null)));
                }
                int ok = 0;
                int shed = 0;
                for (Future<TestServer.Reply> f : replies) {
                    TestServer.Reply r = f.get();
                    if (r.status() == 200) {
                        ok++;
                    } else {
                        assertThat(r.status()).isEqualTo(503);
                        assertThat(r.body()).contains("overloaded");
                        shed++;
                    }
                }
                assertThat(ok).isEqualTo(2);
                assertThat(shed).isEqualTo(2);
                assertThat(t.worker("GET", "quick.localhost", "/", null).body()).isEqualTo("quick");
                assertThat(t.worker("GET", "slow.localhost", "/", null).body()).isEqualTo("slow done");
            } finally {
                pool.shutdown();
            }
        }
    }
}
