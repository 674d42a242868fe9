package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A worker holds its share of outbound connections and waits for its own beyond it; all
 * workers together hold a bounded number, handed out to whoever waits holding the fewest.
 */
class OutboundConnectionsTest {
    private static final java.util.function.BooleanSupplier WANTED = () -> false;

    private static OutboundConnections.Slot now(Future<OutboundConnections.Slot> slot) {
        assertThat(slot.succeeded()).as("granted at once").isTrue();
        return slot.result();
    }

    @Test
    void a_requester_beyond_its_share_waits_for_its_own_while_others_go_on() {
        OutboundConnections connections = new OutboundConnections(2, 100);
        OutboundConnections.Slot first = now(connections.acquire("hog", WANTED, "fetch"));
        now(connections.acquire("hog", WANTED, "fetch"));
        Future<OutboundConnections.Slot> third = connections.acquire("hog", WANTED, "fetch");
        assertThat(third.isComplete()).isFalse();
        assertThat(connections.waiting("hog")).isEqualTo(1);

        now(connections.acquire("other", WANTED, "fetch"));
        assertThat(connections.held("other")).isEqualTo(1);

        first.release();
        first.release(); // once only
        assertThat(third.succeeded()).isTrue();
        assertThat(connections.held("hog")).isEqualTo(2);
        assertThat(connections.waiting("hog")).isZero();
        assertThat(connections.held()).isEqualTo(3);
    }

    @Test
    void when_all_are_held_a_free_one_goes_to_the_waiting_requester_holding_fewest() {
        OutboundConnections connections = new OutboundConnections(10, 3);
        List<OutboundConnections.Slot> hog = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hog.add(now(connections.acquire("hog", WANTED, "fetch")));
        }
        Future<OutboundConnections.Slot> hogMore = connections.acquire("hog", WANTED, "fetch");
        Future<OutboundConnections.Slot> small = connections.acquire("small", WANTED, "fetch");
        assertThat(hogMore.isComplete()).isFalse();
        assertThat(small.isComplete()).isFalse();

        hog.get(0).release();
        assertThat(small.succeeded()).as("the requester holding none goes first, though it came later").isTrue();
        assertThat(hogMore.isComplete()).isFalse();

        hog.get(1).release();
        assertThat(hogMore.succeeded()).isTrue();
        assertThat(connections.held()).isEqualTo(3);
    }

    @Test
    void an_exchange_abandoned_while_waiting_gives_its_turn_to_the_next() {
        OutboundConnections connections = new OutboundConnections(1, 100);
        OutboundConnections.Slot held = now(connections.acquire("w", WANTED, "fetch"));
        AtomicBoolean cancelled = new AtomicBoolean();
        Future<OutboundConnections.Slot> abandoned = connections.acquire("w", cancelled::get, "fetch to a");
        Future<OutboundConnections.Slot> next = connections.acquire("w", WANTED, "fetch to b");
        cancelled.set(true);

        held.release();
        assertThat(abandoned.failed()).isTrue();
        assertThat(abandoned.cause()).hasMessageContaining("fetch to a was cancelled");
        assertThat(next.succeeded()).isTrue();
        assertThat(connections.held("w")).isEqualTo(1);

        next.result().release();
        assertThat(connections.held()).isZero();
        assertThat(connections.waiting("w")).isZero();
    }

    @Test
    void a_requester_with_a_full_queue_is_refused_with_what_to_do() {
        OutboundConnections connections = new OutboundConnections(1, 100);
        now(connections.acquire("w", WANTED, "fetch"));
        AtomicBoolean cancelled = new AtomicBoolean();
        for (int i = 0; i < OutboundConnections.MAX_WAITING; i++) {
            assertThat(connections.acquire("w", cancelled::get, "fetch").isComplete()).isFalse();
        }
        Future<OutboundConnections.Slot> refused = connections.acquire("w", WANTED, "fetch to x.example");
        assertThat(refused.failed()).isTrue();
        assertThat(refused.cause()).hasMessageContaining("fetch to x.example was refused")
                .hasMessageContaining("read or cancel the bodies");

        // Waiting exchanges whose fetches were cancelled make room.
        cancelled.set(true);
        assertThat(connections.acquire("w", WANTED, "fetch").isComplete()).isFalse();
        assertThat(connections.waiting("w")).isEqualTo(1);
    }
}
