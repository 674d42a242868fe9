package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Native memory that start-up freed goes back to the system within seconds of start. */
class StartUpTrimsTest {

    @Test
    void an_idle_engine_trims_its_native_heap_in_its_first_seconds() throws InterruptedException {
        long started = System.nanoTime();
        try (JsEngine engine = JsEngine.start(EngineOptions.defaults().withJsThreads(1).withPrewarmedIsolates(1))) {
            // The periodic trims begin 15 s after start; the start-up ones are due once a second
            // before that, each at the next quiet moment, and an engine with no worker is quiet at once.
            long deadline = started + TimeUnit.SECONDS.toNanos(12);
            while (engine.nativeTrims() < 2 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertThat(engine.nativeTrims()).as("trims run in the first 12 s after start").isGreaterThanOrEqualTo(2);
        }
    }
}
