package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A turn that one isolate's turn hands to another isolate (a dispatch worker's request to a
 * user worker, and the answer back) runs on the same JS thread once the handing turn is over,
 * when nothing else waits for the lane: no other thread is woken for it.
 */
class TurnHandOffTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private JsThreads threads;

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdown();
        timers.shutdownNow();
        threads.awaitTermination(10_000);
    }

    @Test
    void a_turn_handed_on_by_an_isolate_with_nothing_else_to_do_runs_next_on_the_same_thread() throws Exception {
        threads = new JsThreads(2, 2, 0);
        Mailbox dispatcher = new Mailbox(threads, timers);
        Mailbox user = new Mailbox(threads, timers);
        CompletableFuture<String> handingThread = new CompletableFuture<>();
        CompletableFuture<String> userThread = new CompletableFuture<>();
        CompletableFuture<String> answerThread = new CompletableFuture<>();
        CountDownLatch userRan = new CountDownLatch(1);
        AtomicBoolean ranDuringHandingTurn = new AtomicBoolean();
        dispatcher.execute(() -> {
            handingThread.complete(Thread.currentThread().getName());
            user.execute(() -> {
                userThread.complete(Thread.currentThread().getName());
                userRan.countDown();
                dispatcher.execute(() -> answerThread.complete(Thread.currentThread().getName()));
            });
            // The lane's other thread is idle: had the turn been queued for the lane, it would
            // run there now, while this turn still runs.
            try {
                ranDuringHandingTurn.set(userRan.await(300, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        String handing = handingThread.get(10, TimeUnit.SECONDS);
        assertThat(userThread.get(10, TimeUnit.SECONDS)).isEqualTo(handing);
        assertThat(ranDuringHandingTurn).as("the handed-on turn waited for the handing one").isFalse();
        assertThat(answerThread.get(10, TimeUnit.SECONDS)).isEqualTo(handing);
    }

    @Test
    void a_handed_on_turn_does_not_wait_for_a_handing_turn_that_runs_long() throws Exception {
        threads = new JsThreads(1, 2, 0);
        Mailbox looping = new Mailbox(threads, timers);
        Mailbox user = new Mailbox(threads, timers);
        CompletableFuture<String> loopingThread = new CompletableFuture<>();
        CompletableFuture<String> userThread = new CompletableFuture<>();
        AtomicBoolean release = new AtomicBoolean();
        CompletableFuture<Void> loopEnded = new CompletableFuture<>();
        looping.execute(() -> {
            loopingThread.complete(Thread.currentThread().getName());
            user.execute(() -> userThread.complete(Thread.currentThread().getName()));
            // Runs long until the handed-on turn ran: its thread is detached, and the kept turn
            // goes to the thread that takes its place in the lane.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!release.get() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            loopEnded.complete(null);
        });
        try {
            String loopThread = loopingThread.get(10, TimeUnit.SECONDS);
            assertThat(userThread.get(20, TimeUnit.SECONDS)).startsWith("tenantd-js-").isNotEqualTo(loopThread);
            assertThat(loopEnded).isNotDone();
        } finally {
            release.set(true);
        }
        loopEnded.get(10, TimeUnit.SECONDS);
    }

    @Test
    void a_handed_on_turn_queues_behind_turns_that_already_wait_for_the_lane() throws Exception {
        threads = new JsThreads(1, 2, 0);
        Mailbox dispatcher = new Mailbox(threads, timers);
        Mailbox user = new Mailbox(threads, timers);
        Mailbox other = new Mailbox(threads, timers);
        StringBuffer order = new StringBuffer();
        CountDownLatch otherQueued = new CountDownLatch(1);
        CompletableFuture<String> done = new CompletableFuture<>();
        CompletableFuture<Void> handing = new CompletableFuture<>();
        dispatcher.execute(() -> {
            handing.complete(null);
            try {
                otherQueued.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            user.execute(() -> {
                order.append("user ");
                done.complete(order.toString());
            });
        });
        handing.get(10, TimeUnit.SECONDS);
        // The lane's only thread runs the dispatcher's turn: this one waits for the lane.
        other.execute(() -> order.append("other "));
        otherQueued.countDown();
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo("other user ");
    }
    @Test
    void a_handed_on_turn_does_not_wait_for_turns_that_reach_the_handing_isolate_afterwards() throws Exception {
        threads = new JsThreads(2, 2, 0);
        Mailbox dispatcher = new Mailbox(threads, timers);
        Mailbox user = new Mailbox(threads, timers);
        CountDownLatch userRan = new CountDownLatch(1);
        CompletableFuture<Boolean> laterTurnSawUser = new CompletableFuture<>();
        dispatcher.execute(() -> {
            user.execute(userRan::countDown);
            // A further turn of the dispatcher arrives before this one ends: the kept turn must
            // not wait behind it, it goes to the lane's other thread.
            dispatcher.execute(() -> {
                try {
                    laterTurnSawUser.complete(userRan.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        });
        assertThat(laterTurnSawUser.get(30, TimeUnit.SECONDS)).isTrue();
    }
}
