package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.InvocationRecord;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tail Worker delivery while the consumers are slow: one producer's backlog leaves room for the others'. */
class TailDeliveryTest {
    private static Script script(String name) {
        ScriptVersion v = new ScriptVersion("v-" + name, "", 1, "w.js", false, "2024-01-01", List.of(), List.of(), List.of(),
                ScriptLimits.NONE, EgressPolicy.OPEN, "etag", 1, "2026-01-01T00:00:00.000Z", "api", "");
        return new Script("id-" + name, ScriptRef.plain("acct", name), "2026-01-01T00:00:00.000Z",
                "2026-01-01T00:00:00.000Z", List.of(), v, new Deployment("d-" + name, "2026-01-01T00:00:00.000Z",
                        List.of(new Deployment.Split(v.id(), 100)), null, "api"), List.of(v), "{}");
    }

    private static TailEvent event(Script s, int logChars) {
        TailEvent event = new TailEvent(new Tails(), List.of(), s.ref(), s.current().id(),
                new WorkerRequest("GET", "https://x/", List.of(), null));
        if (logChars > 0) {
            event.log("log", "[\"" + "x".repeat(logChars) + "\"]", 0);
        }
        return event;
    }

    @Test
    void console_values_are_kept_as_their_json_text_and_text_that_is_not_one_json_value_as_a_string() {
        Script s = script("w");
        TailEvent event = new TailEvent(new Tails(), List.of(), s.ref(), s.current().id(),
                new WorkerRequest("GET", "https://x/", List.of(), null));
        event.log("log", "[1,{\"a\":\"b\"},null]", 5);
        event.log("warn", "[1] [2]", 6);
        event.log("error", "[1", 7);
        String item = event.traceItem(RECORD, java.util.Optional.empty(), List.of()).toString();
        assertThat(item).contains("{\"message\":[1,{\"a\":\"b\"},null],\"level\":\"log\",\"timestamp\":5}",
                "{\"message\":[\"[1] [2]\"],\"level\":\"warn\",\"timestamp\":6}",
                "{\"message\":[\"[1\"],\"level\":\"error\",\"timestamp\":7}");
        assertThat(TailEvent.isOneJsonValue("\"text\"")).isTrue();
        assertThat(TailEvent.isOneJsonValue("")).isFalse();
    }

    private static final InvocationRecord RECORD = new InvocationRecord("w", Outcome.OK, 0, 0, 0, 200);

    @Test
    void a_producer_may_have_a_bounded_share_of_the_waiting_events() throws Exception {
        CountDownLatch consumersSlow = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        TailDelivery delivery = new TailDelivery(new Tails(), null, (consumer, events) -> {
            try {
                consumersSlow.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delivered.incrementAndGet();
            return CompletableFuture.completedFuture(WorkerResponse.text(200, "ok"));
        });
        try {
            Script chatty = script("chatty");
            Script quiet = script("quiet");
            for (int i = 0; i < TailDelivery.PER_PRODUCER + 500; i++) {
                delivery.enqueue(chatty, List.of("consumer"), event(chatty, 0), RECORD);
            }
            assertThat(delivery.dropped()).isBetween(499L, 500L);
            long before = delivery.dropped();
            delivery.enqueue(quiet, List.of("consumer"), event(quiet, 0), RECORD);
            assertThat(delivery.dropped()).as("another producer's event still has room").isEqualTo(before);
            // large events are bounded by what they take, whoever sends them
            Script loud = script("loud");
            int big = 1 << 20;
            for (int i = 0; i < 40; i++) {
                delivery.enqueue(loud, List.of("consumer"), event(loud, big), RECORD);
            }
            assertThat(delivery.dropped() - before).isGreaterThanOrEqualTo(40 - TailDelivery.PER_PRODUCER_CHARS / big);
            // ...and one producer's large events leave room for another's
            long afterLoud = delivery.dropped();
            Script modest = script("modest");
            delivery.enqueue(modest, List.of("consumer"), event(modest, big), RECORD);
            assertThat(delivery.dropped()).isEqualTo(afterLoud);
        } finally {
            consumersSlow.countDown();
            delivery.close();
        }
    }
}
