package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.EngineOptions;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.runtime.ModuleType;
import dev.tenantd.runtime.Worker;
import dev.tenantd.runtime.WorkerHost;
import dev.tenantd.runtime.WorkerModule;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.WorkerSource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A request the pool handed to an isolate that closed before starting it (it retired itself,
 * its last request ended) ran nothing there: it goes to the isolate that takes its place.
 */
class WorkerPoolRetiredTest {
    private static final String CODE = """
            let served = 0;
            export default { fetch() { served++; return new Response('served ' + served); } };""";

    @Test
    void a_request_held_by_an_isolate_that_closes_before_starting_it_is_served_by_the_next() throws Exception {
        JsEngine engine = JsEngine.start(EngineOptions.defaults().withJsThreads(1).withPrewarmedIsolates(0));
        try {
            ScriptRef ref = ScriptRef.plain("acct", "retiring");
            ScriptVersion version = new ScriptVersion("v1", "s1", 1, "w.js", false, "2024-01-01", List.of(), List.of(),
                    List.of(), ScriptLimits.NONE, EgressPolicy.OPEN, "etag", 1, "now", "api", "");
            Script script = new Script("s1", ref, "now", "now", List.of(), version,
                    new Deployment("d1", "now", List.of(new Deployment.Split("v1", 100)), null, "api"), List.of(version), "{}");
            WorkerSource source = new WorkerSource("retiring", "w.js", List.of(new WorkerModule("w.js", ModuleType.ES_MODULE,
                    CODE.getBytes(StandardCharsets.UTF_8))), "2024-01-01", List.of(), List.of());
            WorkerPool pool = new WorkerPool(engine, 10, s -> source, s -> WorkerHost.refusing());
            WorkerRequest request = new WorkerRequest("GET", "http://retiring/", List.of(), null);

            AtomicReference<Worker> first = new AtomicReference<>();
            WorkerResponse one = pool.call(script, w -> {
                first.set(w);
                return w.fetch(request);
            }).get(30, TimeUnit.SECONDS);
            assertThat(new String(one.body(), StandardCharsets.UTF_8)).isEqualTo("served 1");

            // The isolate closes once idle; the pool, which still sees it alive, hands it the next
            // request, whose start comes after the close.
            for (int i = 0; i < 5; i++) {
                Worker held = first.get();
                WorkerResponse next = pool.call(script, w -> {
                    if (w == held) {
                        w.closeWhenIdle();
                    }
                    first.set(w);
                    return w.fetch(request);
                }).get(30, TimeUnit.SECONDS);
                assertThat(next.status()).as("attempt %d", i).isEqualTo(200);
                assertThat(new String(next.body(), StandardCharsets.UTF_8)).as("a fresh isolate's first request")
                        .isEqualTo("served 1");
            }
        } finally {
            engine.close();
        }
    }
}
