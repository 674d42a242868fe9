package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-script counts of invocations in flight keep nothing for scripts no request is in. */
class InFlightCountsTest {
    @TempDir
    Path dir;

    @Test
    void versions_that_served_and_were_replaced_leave_no_count_behind() {
        try (TestServer t = new TestServer(dir, List.of())) {
            for (int v = 1; v <= 5; v++) {
                assertThat(t.putModule(t.accountApi("/workers/scripts/changing"), "{\"main_module\":\"c.js\"}", "c.js",
                        "export default { fetch() { return new Response('v" + v + "'); } };").status()).isEqualTo(200);
                assertThat(t.worker("GET", "changing.localhost", "/", null).body()).isEqualTo("v" + v);
            }
            Await.value(() -> t.server.platform().invoker().scriptsInFlight() == 0 ? Boolean.TRUE : null,
                    "no script counted once its requests ended");
        }
    }
}
