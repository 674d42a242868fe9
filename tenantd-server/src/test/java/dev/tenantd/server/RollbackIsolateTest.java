package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version that stops serving closes once no request is in it; a rollback that comes
 * while a request still holds its isolate keeps that warm isolate, also past the grace period.
 */
class RollbackIsolateTest {
    @TempDir
    Path dir;

    static final long WALL_TIME_MS = 6_000;

    @Test
    void a_rollback_while_the_isolate_is_still_open_keeps_it_serving_after_the_grace_period() throws Exception {
        try (Origin origin = new Origin();
                TestServer t = new TestServer(dir, List.of(),
                        new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, WALL_TIME_MS, 100, 100),
                        new EgressPolicy(List.of("127.0.0.1"), List.of()))) {
            String counter = """
                    let n = 0;
                    export default { async fetch(request) {
                      const mine = ++n;
                      if (new URL(request.url).pathname === '/hold') await fetch('HOLD');
                      return new Response(VERSION + ' ' + mine);
                    } };""".replace("HOLD", "http://127.0.0.1:" + origin.port() + "/hold");
            String v1 = t.putModule(t.accountApi("/workers/scripts/roll"), "{\"main_module\":\"w.js\"}", "w.js",
                    "const VERSION = 'one'; " + counter).json().path("result").path("version_id").asText();
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).isEqualTo("one 1");
            CompletableFuture<HttpResponse<String>> held = RetiredVersionsTest.sendAsync(t, "roll.localhost", "/hold");
            origin.awaitHeld(1);

            t.putModule(t.accountApi("/workers/scripts/roll"), "{\"main_module\":\"w.js\"}", "w.js", "const VERSION = 'two'; " + counter);
            long retired = System.nanoTime();
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).isEqualTo("two 1");
            assertThat(t.postJson(t.accountApi("/workers/scripts/roll/deployments"),
                    "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\"" + v1 + "\",\"percentage\":100}]}").status())
                    .isEqualTo(200);
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).as("the isolate the held request kept open")
                    .isEqualTo("one 3");

            origin.releaseHeld();
            assertThat(held.get(30, TimeUnit.SECONDS).body()).isEqualTo("one 2");
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).as("still open once its last request ended")
                    .isEqualTo("one 4");

            // Past the grace period of the retirement scheduled when "two" was deployed.
            long left = TimeUnit.MILLISECONDS.toNanos(WALL_TIME_MS + 500) - (System.nanoTime() - retired);
            if (left > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
            assertThat(t.worker("GET", "roll.localhost", "/", null).body())
                    .as("the same isolate, its module state intact").isEqualTo("one 5");
        }
    }

    @Test
    void a_rollback_after_the_isolate_closed_loads_it_afresh() {
        try (TestServer t = new TestServer(dir, List.of(), Limits.defaults(), EgressPolicy.OPEN)) {
            String counter = "let n = 0; export default { fetch() { n++; return new Response(VERSION + ' ' + n); } };";
            String v1 = t.putModule(t.accountApi("/workers/scripts/roll"), "{\"main_module\":\"w.js\"}", "w.js",
                    "const VERSION = 'one'; " + counter).json().path("result").path("version_id").asText();
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).isEqualTo("one 1");
            t.putModule(t.accountApi("/workers/scripts/roll"), "{\"main_module\":\"w.js\"}", "w.js", "const VERSION = 'two'; " + counter);
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).isEqualTo("two 1");
            RetiredVersionsTest.awaitLive(t, 1);

            assertThat(t.postJson(t.accountApi("/workers/scripts/roll/deployments"),
                    "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\"" + v1 + "\",\"percentage\":100}]}").status())
                    .isEqualTo(200);
            assertThat(t.worker("GET", "roll.localhost", "/", null).body()).isEqualTo("one 1");
            RetiredVersionsTest.awaitLive(t, 1);
        }
    }
}
