package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Turns for no invocation share the CPU budget of top-level code. When that budget runs out
 * inside a native call, the turn is stopped once the call returns; the isolate is given up
 * only if the call runs on for a whole budget more, not for twice what happened to be left
 * (which could be less than one host call takes).
 */
class OwnerlessTurnOverrunTest {
    private static final WorkerRequest REQUEST = new WorkerRequest("GET", "http://x/", List.of(), null);
    private static final InvocationLimits LIMITS = new InvocationLimits(1000, 10, 60_000, 128 * 1024);

    @Test
    void a_budget_running_out_inside_a_host_call_stops_the_chain_and_keeps_the_isolate() throws Exception {
        JsEngine engine = JsEngine.start(EngineOptions.defaults().withJsThreads(1).withPrewarmedIsolates(0)
                .withStartupCpuMs(200));
        try {
            // Each round is one host call of some milliseconds (the digest of 8 MB, computed in
            // Java, where termination cannot reach), then a call refused at global scope whose
            // rejection starts the next round. The budget runs out inside one of those host
            // calls with anything from nothing to a whole round left; four workers, so that some
            // run out with less than half a round left.
            for (int worker = 0; worker < 4; worker++) {
                Worker w = Engines.get(engine.load(Engines.module("""
                        const data = new Uint8Array(8 * 1024 * 1024);
                        let rounds = 0;
                        function again() {
                          rounds++;
                          crypto.subtle.digest('SHA-256', data);
                          fetch('http://example.test/').catch(again);
                        }
                        fetch('http://example.test/').catch(again);
                        export default { fetch() { return new Response(String(rounds)); } };"""),
                        new Engines.RecordingHost()));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String last = Engines.text(Engines.get(w.fetch(REQUEST, LIMITS)));
                int unchanged = 0;
                while (unchanged < 5) {
                    assertThat(System.nanoTime()).as("the rounds stop growing within 60 s (last count " + last + ")")
                            .isLessThan(deadline);
                    Thread.sleep(100);
                    String now = Engines.text(Engines.get(w.fetch(REQUEST, LIMITS)));
                    unchanged = now.equals(last) ? unchanged + 1 : 0;
                    last = now;
                }
                assertThat(Integer.parseInt(last)).as("rounds run").isPositive();
                assertThat(w.isAlive()).as("worker " + worker + " kept its isolate").isTrue();
                w.close();
            }
        } finally {
            engine.close();
        }
    }
}
