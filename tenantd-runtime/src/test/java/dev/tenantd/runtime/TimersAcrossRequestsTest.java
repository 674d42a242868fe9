package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Timers of one isolate's concurrent and successive requests: each belongs to the request that
 * set it, which alone may clear it, and one left pending when its request ends is let go.
 */
class TimersAcrossRequestsTest {

    @Test
    void callbacks_of_timers_left_pending_by_ended_requests_are_let_go() {
        // Each request leaves a timer holding a megabyte behind; the isolate's limit is 128 MB.
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const kept = new Uint8Array(1 << 20).fill(1);
                  setTimeout(() => kept.length, 3_600_000);
                  return new Response('ok');
                } };"""));
        for (int i = 0; i < 300; i++) {
            assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/" + i, List.of(), null))))).as("request %d", i)
                    .isEqualTo("ok");
        }
    }

    @Test
    void a_request_cannot_clear_another_requests_timer() {
        // A debounce kept in module state: the second request clears the id the first one set.
        Worker w = load(Engines.module("""
                let pending;
                export default { async fetch(request) {
                  if (new URL(request.url).pathname === '/clear') {
                    clearTimeout(pending);
                    return new Response('cleared ' + typeof pending);
                  }
                  const outcome = await new Promise((resolve) => {
                    pending = setTimeout(() => resolve('fired'), 1_000);
                    setTimeout(() => resolve('cancelled'), 20_000);
                  });
                  return new Response(outcome);
                } };"""));
        var first = w.fetch(new WorkerRequest("GET", "http://x/wait", List.of(), null));
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/clear", List.of(), null))))).isEqualTo("cleared number");
        assertThat(text(get(first))).isEqualTo("fired");
    }

    @Test
    void a_request_still_clears_its_own_timers() {
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const outcome = await new Promise((resolve) => {
                    const id = setTimeout(() => resolve('fired'), 50);
                    clearTimeout(id);
                    setTimeout(() => resolve('cleared'), 200);
                  });
                  return new Response(outcome);
                } };"""));
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null))))).isEqualTo("cleared");
    }
}
