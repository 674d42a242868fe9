package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A start-up whose last statement is one long native call is given up at twice its CPU budget,
 * and its load fails then; when the call returns the isolate, which nobody refers to, is closed.
 */
class AbandonedStartupTest {
    @Test
    void an_isolate_whose_start_up_was_given_up_is_closed_when_its_last_call_returns() {
        JsEngine engine = JsEngine.start(EngineOptions.defaults().withJsThreads(1).withPrewarmedIsolates(0)
                .withStartupCpuMs(20));
        try {
            int before = engine.openIsolates();
            // Flattening a rope of 256 M characters is one native call that checks for termination
            // only when it returns; no JavaScript runs after it to notice.
            assertThatThrownBy(() -> Engines.get(engine.load(Engines.module("""
                    let s = 'x'; for (let i = 0; i < 28; i++) s += s;
                    globalThis.found = s.indexOf('y');
                    export default { fetch() { return new Response('never'); } };"""), new Engines.RecordingHost())))
                    .hasStackTraceContaining("Script startup exceeded CPU time limit.");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (engine.openIsolates() > before && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertThat(engine.openIsolates()).as("the given-up isolate is closed").isEqualTo(before);
        } finally {
            engine.close();
        }
    }
}
