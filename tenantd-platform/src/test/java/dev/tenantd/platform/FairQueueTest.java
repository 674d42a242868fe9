package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A pool over a fair queue: lines take the threads in turn, and one line cannot fill the queue. */
class FairQueueTest {
    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch busy = new CountDownLatch(1);
    private ThreadPoolExecutor pool;

    private ThreadPoolExecutor pool(int capacity, int perLine) {
        pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new FairQueue(capacity, perLine));
        // The one thread waits at the gate, so that everything after this is queued.
        pool.execute(() -> {
            busy.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return pool;
    }

    private void queue(String line, int count, List<String> ran) {
        for (int i = 0; i < count; i++) {
            String name = line + i;
            FairQueue.in(line, () -> {
                pool.execute(() -> ran.add(name));
                return null;
            });
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        gate.countDown();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void a_crowded_line_takes_turns_with_the_lines_that_came_after_it() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        pool(100, 50);
        busy.await();
        queue("a", 40, ran);
        queue("b", 2, ran);
        queue("c", 1, ran);
        gate.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(43).startsWith("a0", "b0", "c0", "a1", "b1", "a2", "a3");
    }

    @Test
    void a_full_line_is_refused_while_other_lines_and_the_queue_still_have_room() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        FairQueue queue = (FairQueue) pool(10, 4).getQueue();
        busy.await();
        queue("a", 4, ran);
        assertThatThrownBy(() -> queue("a", 1, ran)).isInstanceOf(RejectedExecutionException.class);
        queue("b", 4, ran);
        queue("c", 2, ran);
        assertThat(queue.size()).isEqualTo(10);
        assertThat(queue.remainingCapacity()).isZero();
        assertThatThrownBy(() -> queue("d", 1, ran)).as("the queue is full").isInstanceOf(RejectedExecutionException.class);
        gate.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(10);
    }

    @Test
    void several_full_lines_leave_the_last_quarter_of_the_queue_to_short_lines() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        FairQueue queue = (FairQueue) pool(100, 30).getQueue();
        busy.await();
        int refused = 0;
        for (String flooder : List.of("a", "b", "c", "d")) {
            for (int i = 0; i < 30; i++) {
                try {
                    queue(flooder, 1, ran);
                } catch (RejectedExecutionException e) {
                    refused++;
                }
            }
        }
        assertThat(queue.size()).as("the flooders stop at the reserve, short lines aside").isLessThanOrEqualTo(75 + 2 * FairQueue.SHORT_LINE);
        assertThat(refused).isPositive();
        queue("quiet", FairQueue.SHORT_LINE, ran);
        queue("other", 2, ran);
        assertThat(queue.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void a_task_handed_over_outside_a_line_waits_in_the_unnamed_one_and_the_pool_can_drain_and_remove() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        pool(10, 2);
        busy.await();
        pool.execute(() -> ran.add("x0"));
        pool.execute(() -> ran.add("x1"));
        assertThatThrownBy(() -> pool.execute(() -> ran.add("x2"))).isInstanceOf(RejectedExecutionException.class);
        Runnable removed = () -> ran.add("removed");
        FairQueue.in("a", () -> {
            pool.execute(removed);
            return null;
        });
        queue("b", 1, ran);
        assertThat(pool.remove(removed)).isTrue();
        assertThat(pool.getQueue()).hasSize(3);
        List<Runnable> left = new ArrayList<>(pool.shutdownNow());
        assertThat(left).hasSize(3);
        left.forEach(Runnable::run);
        assertThat(ran).containsExactly("x0", "b0", "x1");
    }
}
