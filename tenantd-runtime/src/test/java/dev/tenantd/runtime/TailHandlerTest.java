package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The tail event: a Tail Worker's handler gets the trace items of another worker's
 * invocations, in module syntax ({@code tail(events, env, ctx)}) and in service-worker
 * syntax ({@code addEventListener('tail', ...)}), and its failure is the invocation's.
 */
class TailHandlerTest {
    private static final String EVENTS = "[{\"scriptName\":\"producer\",\"outcome\":\"ok\","
            + "\"logs\":[{\"level\":\"log\",\"message\":[\"hi\"],\"timestamp\":1}]}]";

    private static WorkerResponse tail(Worker worker, String eventsJson) {
        return get(worker.tail(eventsJson, InvocationOptions.of(InvocationLimits.defaults())));
    }

    @Test
    void a_module_worker_with_only_a_tail_handler_loads_and_receives_the_events() {
        Worker w = load(Engines.module("""
                export default {
                  async tail(events, env, ctx) {
                    ctx.waitUntil(Promise.resolve());
                    globalThis.seen = events.map((e) => `${e.scriptName}:${e.outcome}:${e.logs[0].message[0]}`).join(',');
                  },
                };"""));
        assertThat(tail(w, EVENTS).status()).isEqualTo(200);
        // The same isolate answers a request afterwards, with no fetch handler to call.
        assertThatThrownBy(() -> get(w, "http://x/")).isInstanceOf(InvocationException.class)
                .hasMessageContaining("fetch()");
    }

    @Test
    void the_events_reach_a_module_tail_handler_as_plain_data() {
        Worker w = load(Engines.module("""
                let seen = 'none';
                export default {
                  tail(events) { seen = JSON.stringify(events); },
                  fetch() { return new Response(seen); },
                };"""));
        tail(w, EVENTS);
        assertThat(text(get(w, "http://x/"))).isEqualTo(EVENTS);
    }

    @Test
    void a_service_worker_listens_for_tail_events() {
        Worker w = load(Engines.serviceWorker("""
                var seen = 'none';
                addEventListener('tail', (event) => {
                  event.waitUntil(Promise.resolve());
                  seen = event.events.length + ' ' + (event.traces === event.events) + ' ' + event.events[0].scriptName;
                });
                addEventListener('fetch', (event) => event.respondWith(new Response(seen)));"""));
        tail(w, EVENTS);
        assertThat(text(get(w, "http://x/"))).isEqualTo("1 true producer");
    }

    @Test
    void a_throwing_tail_handler_fails_its_own_invocation_only() {
        Worker w = load(Engines.module("""
                export default {
                  async tail() { throw new RangeError('consumer broke'); },
                  fetch() { return new Response('still here'); },
                };"""));
        CompletableFuture<WorkerResponse> failed = w.tail(EVENTS, InvocationOptions.of(InvocationLimits.defaults()));
        assertThatThrownBy(() -> get(failed)).isInstanceOf(InvocationException.class)
                .hasMessageContaining("consumer broke");
        assertThat(text(get(w, "http://x/"))).isEqualTo("still here");
    }

    @Test
    void a_worker_without_a_tail_handler_fails_the_tail_invocation_with_a_clear_message() {
        Worker w = load(Engines.module("export default { fetch() { return new Response('x'); } };"));
        assertThatThrownBy(() -> tail(w, EVENTS)).isInstanceOf(InvocationException.class)
                .hasMessageContaining("tail()");
    }
}
