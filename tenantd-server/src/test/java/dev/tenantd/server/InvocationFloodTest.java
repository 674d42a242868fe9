package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Route;
import dev.tenantd.platform.observability.InvocationRecorder;
import dev.tenantd.platform.observability.ObservabilitySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer that cannot keep up never holds up a request: records beyond the queue are dropped and counted. */
class InvocationFloodTest {
    @TempDir
    Path dir;

    @Test
    void a_full_queue_drops_records_and_every_request_is_still_served() throws Exception {
        // A queue of two that the writer empties only once an hour.
        try (TestServer t = new TestServer(dir, List.of(Route.parse("*.flood.test/*=w")),
                ObservabilitySettings.defaults().withQueue(2, Duration.ofHours(1)))) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/w"), "{\"main_module\":\"w.js\"}", "w.js",
                    "export default { fetch() { console.log('hi'); return new Response('ok'); } };").status())
                    .isEqualTo(200);
            for (int i = 0; i < 30; i++) {
                assertThat(t.worker("GET", "x.flood.test", "/" + i, null).body()).isEqualTo("ok");
            }
            InvocationRecorder recorder = t.server.platform().invocations();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (recorder.dropped() < 28 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(recorder.dropped()).isEqualTo(28);
            assertThat(recorder.written()).isZero();
        }
    }
}
