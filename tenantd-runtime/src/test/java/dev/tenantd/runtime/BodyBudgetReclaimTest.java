package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A full budget lets go of what waits for clients that stopped taking it: response bodies and
 * WebSockets alike, registered as {@link BodyBudget.Outgoing}. What holds nothing, and what
 * its client keeps taking, stays.
 */
class BodyBudgetReclaimTest {
    private static final long KB = 1024;
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Something on its way to a client that holds {@code held} bytes; {@code taken} moves as the test says. */
    private static final class Client implements BodyBudget.Outgoing {
        final AtomicLong held;
        final AtomicLong taken = new AtomicLong();
        final long takesPerLook;
        final AtomicBoolean dropped = new AtomicBoolean();

        Client(long held, long takesPerLook) {
            this.held = new AtomicLong(held);
            this.takesPerLook = takesPerLook;
        }

        @Override
        public long heldBytes() {
            return held.get();
        }

        @Override
        public long takenBytes() {
            return taken.addAndGet(takesPerLook);
        }

        @Override
        public void drop() {
            assertThat(dropped.getAndSet(true)).as("dropped once").isFalse();
        }
    }

    /**
     * Asks for {@code bytes} until the budget admits them, for at most 30 s; a client among
     * {@code clients} that is let go gives its bytes back, as a closed connection does.
     */
    private static void reserveWhenFreed(BodyBudget budget, long bytes, Client... clients) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!budget.reserve(bytes)) {
            for (Client c : clients) {
                if (c.dropped.get()) {
                    budget.unreserve(c.held.getAndSet(0));
                }
            }
            assertThat(System.nanoTime() - deadline).as("the budget freed room in time").isNegative();
            Thread.onSpinWait();
        }
    }

    @Test
    void a_stalled_websocket_is_let_go_while_those_holding_nothing_or_taking_what_waits_stay() {
        BodyBudget budget = new BodyBudget(1024 * KB, QUIET_NANOS);
        // Registered first, so longest quiet: but it holds nothing for its client.
        Client idle = new Client(0, 0);
        budget.sending("idle", idle);
        // Takes 64 KiB more at every look: a client that reads.
        Client reading = new Client(300 * KB, BodyBudget.PROGRESS_BYTES);
        assertThat(budget.reserve(reading.held.get())).isTrue();
        budget.sending("reading", reading);
        // Takes the few kilobytes that wait for it at every look: a chat's peer, well under 64 KiB.
        Client chatty = new Client(4 * KB, 4 * KB);
        assertThat(budget.reserve(chatty.held.get())).isTrue();
        budget.sending("chatty", chatty);
        Client stalled = new Client(600 * KB, 0);
        assertThat(budget.reserve(stalled.held.get())).isTrue();
        budget.sending("stalled", stalled);

        // 600 KiB more do not fit until the stalled client is let go; its drop gives its bytes back.
        reserveWhenFreed(budget, 600 * KB, idle, reading, chatty, stalled);
        assertThat(stalled.dropped).isTrue();
        assertThat(chatty.dropped).as("takes all that waits for it").isFalse();
        assertThat(idle.dropped).as("holds nothing, however long it was quiet").isFalse();
        assertThat(reading.dropped).as("keeps taking its bytes").isFalse();
    }

    @Test
    void what_stopped_sending_is_not_let_go() {
        BodyBudget budget = new BodyBudget(1024 * KB, QUIET_NANOS);
        // Quiet longest and holding most: the first to go, were it still registered.
        Client gone = new Client(600 * KB, 0);
        assertThat(budget.reserve(gone.held.get())).isTrue();
        budget.sending("gone", gone);
        Client stalled = new Client(300 * KB, 0);
        assertThat(budget.reserve(stalled.held.get())).isTrue();
        budget.sending("stalled", stalled);
        budget.stopSending("gone");

        reserveWhenFreed(budget, 200 * KB, gone, stalled);
        assertThat(gone.dropped).isFalse();
        assertThat(stalled.dropped).isTrue();
    }

    @Test
    void a_body_registered_as_sending_is_let_go_by_its_unsent_bytes() {
        BodyBudget budget = new BodyBudget(1024 * KB, QUIET_NANOS);
        byte[] body = new byte[(int) (700 * KB)];
        budget.hold(body);
        AtomicBoolean dropped = new AtomicBoolean();
        budget.sending(body, () -> body.length, () -> {
            dropped.set(true);
            budget.release(body);
        });
        reserveWhenFreed(budget, 600 * KB);
        assertThat(budget.heldBytes()).isEqualTo(600 * KB);
        assertThat(dropped).isTrue();
    }

    @Test
    void a_refusal_says_what_is_set_aside_not_what_others_hold_now() {
        BodyBudget budget = new BodyBudget(64L << 20);
        assertThat(budget.reserve(40L << 20)).isTrue();
        assertThat(budget.refusal(32L << 20)).isEqualTo("Server busy: a body of 33554432 bytes does not fit in the memory "
                + "this server sets aside for bodies in flight (64 MB); try again later.");
    }
}
