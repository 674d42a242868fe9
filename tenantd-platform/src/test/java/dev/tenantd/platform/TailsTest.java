package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.InvocationRecord;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.WorkerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TailsTest {
    static final ScriptRef CHATTY = ScriptRef.plain("acct", "chatty");
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** Takes every event, or refuses every one like a client whose socket is backed up. */
    static final class Sink implements TailSink {
        final List<String> events = new CopyOnWriteArrayList<>();
        final boolean refusing;
        int offered;
        boolean closed;

        Sink(boolean refusing) {
            this.refusing = refusing;
        }

        @Override
        public boolean offer(String eventJson) {
            offered++;
            if (refusing) {
                return false;
            }
            events.add(eventJson);
            return true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static void invoke(Tails tails, String path) {
        InvocationObserver o = tails.observe(CHATTY, "v1", new WorkerRequest("GET", "http://chatty.test" + path,
                List.of("authorization", "Bearer secret", "accept", "a", "accept", "b"), null));
        o.log("log", "[\"hi\",1]", 1);
        o.responded(200);
        o.ended(new InvocationRecord("chatty", Outcome.OK, 0, 0, 0, 200));
    }

    @Test
    void a_worker_and_an_account_have_a_bounded_number_of_tails_and_filters_a_bounded_size() {
        Tails tails = new Tails();
        for (int i = 0; i < Tails.MAX_PER_SCRIPT; i++) {
            tails.create(CHATTY, null, NOW);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tails.create(CHATTY, null, NOW))
                .isInstanceOfSatisfying(PlatformException.class, e -> assertThat(e.problem()).isEqualTo(Problem.CONFLICT))
                .hasMessageContaining("has " + Tails.MAX_PER_SCRIPT + " tails already");
        // an expired tail no longer counts, and neither do another account's
        assertThat(tails.create(CHATTY, null, NOW.plus(Tails.LIFETIME))).isNotNull();
        assertThat(tails.create(ScriptRef.plain("other", "chatty"), null, NOW)).isNotNull();

        Tails many = new Tails();
        for (int i = 0; i < Tails.MAX_PER_ACCOUNT / Tails.MAX_PER_SCRIPT; i++) {
            for (int j = 0; j < Tails.MAX_PER_SCRIPT; j++) {
                many.create(ScriptRef.plain("acct", "w" + i), null, NOW);
            }
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> many.create(ScriptRef.plain("acct", "fresh"), null, NOW))
                .isInstanceOfSatisfying(PlatformException.class, e -> assertThat(e.problem()).isEqualTo(Problem.CONFLICT))
                .hasMessageContaining("account has " + Tails.MAX_PER_ACCOUNT + " tails already");
        assertThat(many.create(ScriptRef.plain("other", "fresh"), null, NOW)).isNotNull();

        com.fasterxml.jackson.databind.JsonNode huge = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode()
                .add(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("query", "x".repeat(Tails.MAX_FILTER_CHARS)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tails.create(ScriptRef.plain("other", "big"), huge, NOW))
                .isInstanceOfSatisfying(PlatformException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.INVALID_REQUEST))
                .hasMessageContaining(Tails.MAX_FILTER_CHARS + " characters");
        assertThat(tails.list(ScriptRef.plain("other", "big"), NOW)).isEmpty();

        // small filters, but many: each would run for every event
        com.fasterxml.jackson.databind.node.ArrayNode filters = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
        for (int i = 0; i <= TailFilter.MAX_FILTERS; i++) {
            filters.addObject().put("query", "a");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tails.create(ScriptRef.plain("other", "many"), filters, NOW))
                .isInstanceOfSatisfying(PlatformException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.INVALID_REQUEST))
                .hasMessageContaining("at most " + TailFilter.MAX_FILTERS + " filters");
        filters.remove(0);
        assertThat(tails.create(ScriptRef.plain("other", "many"), filters, NOW)).isNotNull();
    }

    @Test
    void nothing_is_observed_until_a_client_connects() {
        Tails tails = new Tails();
        assertThat(tails.observe(CHATTY, "v1", new WorkerRequest("GET", "http://x/", List.of(), null)))
                .isSameAs(InvocationObserver.NONE);
        Tail tail = tails.create(CHATTY, null, NOW);
        assertThat(tails.observe(CHATTY, "v1", new WorkerRequest("GET", "http://x/", List.of(), null)))
                .isSameAs(InvocationObserver.NONE);
        assertThat(tails.connect(tail, new Sink(false))).isTrue();
        assertThat(tails.observe(CHATTY, "v1", new WorkerRequest("GET", "http://x/", List.of(), null)))
                .isNotSameAs(InvocationObserver.NONE);
        assertThat(tails.observe(ScriptRef.plain("acct", "other"), "v1", new WorkerRequest("GET", "http://x/", List.of(), null)))
                .isSameAs(InvocationObserver.NONE);
    }

    @Test
    void a_slow_client_loses_events_while_the_others_get_every_one() {
        Tails tails = new Tails();
        Sink slow = new Sink(true);
        Sink fast = new Sink(false);
        tails.connect(tails.create(CHATTY, null, NOW), slow);
        tails.connect(tails.create(CHATTY, null, NOW), fast);
        for (int i = 0; i < 3; i++) {
            invoke(tails, "/" + i);
        }
        assertThat(slow.offered).isEqualTo(3);
        assertThat(fast.events).hasSize(3);
        assertThat(fast.events.get(2)).contains("\"url\":\"http://chatty.test/2\"")
                .contains("\"message\":[\"hi\",1]")
                .contains("\"authorization\":\"REDACTED\"")
                .contains("\"accept\":\"a, b\"")
                .contains("\"response\":{\"status\":200}");
    }

    @Test
    void credentials_are_checked_and_expired_tails_are_swept_with_their_clients() {
        Tails tails = new Tails();
        Tail tail = tails.create(CHATTY, null, NOW);
        assertThat(tail.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(6)));
        assertThat(tails.find(tail.id(), tail.secret(), NOW)).contains(tail);
        assertThat(tails.find(tail.id(), tail.secret() + "x", NOW)).isEmpty();
        assertThat(tails.find(tail.id(), tail.secret(), tail.expiresAt())).isEmpty();
        Sink sink = new Sink(false);
        tails.connect(tail, sink);

        tails.sweep(NOW.plus(Duration.ofHours(1)));
        assertThat(sink.closed).isFalse();
        tails.sweep(tail.expiresAt());
        assertThat(sink.closed).isTrue();
        assertThat(tails.list(CHATTY, NOW)).isEmpty();
        assertThat(tails.observe(CHATTY, "v1", new WorkerRequest("GET", "http://x/", List.of(), null)))
                .isSameAs(InvocationObserver.NONE);
    }

    @Test
    void a_second_client_replaces_the_first_and_a_gone_client_ends_the_tail() {
        Tails tails = new Tails();
        Tail tail = tails.create(CHATTY, null, NOW);
        Sink first = new Sink(false);
        Sink second = new Sink(false);
        tails.connect(tail, first);
        tails.connect(tail, second);
        assertThat(first.closed).isTrue();
        tails.disconnected(tail, first);
        assertThat(tails.list(CHATTY, NOW)).containsExactly(tail);
        tails.disconnected(tail, second);
        assertThat(tails.list(CHATTY, NOW)).isEmpty();
        assertThat(tails.connect(tail, new Sink(false))).isFalse();
    }

    @Test
    void delete_only_ends_a_tail_of_the_named_script() {
        Tails tails = new Tails();
        Tail tail = tails.create(CHATTY, null, NOW);
        assertThat(tails.delete(ScriptRef.plain("acct", "other"), tail.id())).isFalse();
        assertThat(tails.delete(CHATTY, tail.id())).isTrue();
        assertThat(tails.delete(CHATTY, tail.id())).isFalse();
    }
}
