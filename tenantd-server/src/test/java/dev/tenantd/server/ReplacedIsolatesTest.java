package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An isolate that retires itself (its Intl objects passed half its memory) is replaced by a
 * fresh one and finishes its work; a worker whose every isolate does so at once, and keeps each
 * busy with waitUntil work, does not get an isolate per request held open for its wall time.
 */
class ReplacedIsolatesTest {
    @TempDir
    Path dir;

    @Test
    void a_version_keeps_a_bounded_number_of_replaced_isolates_finishing() throws Exception {
        // a wall time far longer than the test: what closes the replaced isolates is the bound
        Limits limits = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 600_000, 100, 100);
        try (TestServer t = new TestServer(dir, List.of(), limits, EgressPolicy.OPEN)) {
            t.putModule(t.accountApi("/workers/scripts/hoarder"), "{\"main_module\":\"w.js\"}", "w.js", """
                    const id = crypto.randomUUID();
                    const kept = [];
                    export default { fetch(request, env, ctx) {
                      for (let i = 0; i < 2100; i++) kept.push(new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Paris' }));
                      ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 590000)));
                      return new Response(id);
                    } };""");
            int requests = 6;
            Set<String> isolates = new HashSet<>();
            for (int i = 0; i < requests; i++) {
                TestServer.Reply r = t.worker("GET", "hoarder.localhost", "/", null);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                isolates.add(r.body());
            }
            assertThat(isolates).as("each request retired its isolate: the next one had a fresh one").hasSize(requests);
            // the last one serves; at most two before it finish their work; the others were closed
            int bound = 3;
            var invoker = t.server.platform().invoker();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((invoker.openIsolates() > bound || invoker.liveIsolates() != invoker.openIsolates())
                    && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertThat(invoker.openIsolates()).isLessThanOrEqualTo(bound);
            assertThat(invoker.liveIsolates()).as("the pool counts what is open").isEqualTo(invoker.openIsolates());
        }
    }
}
