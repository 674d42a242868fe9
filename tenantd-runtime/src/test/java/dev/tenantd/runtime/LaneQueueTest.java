package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** A lane's queue wakes the thread that went idle last, and never leaves a task with every thread asleep. */
class LaneQueueTest {
    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s for a condition").isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** A thread that takes tasks from {@code queue} and runs them until it takes {@link #STOP}. */
    private static Thread consumer(LaneQueue queue, String name) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Runnable task = queue.take();
                    if (task == STOP) {
                        return;
                    }
                    task.run();
                }
            } catch (InterruptedException e) {
                // ends
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static final Runnable STOP = () -> { };

    /** Queues one task and answers the name of the thread that ran it. */
    private static String threadThatRuns(LaneQueue queue) throws InterruptedException {
        AtomicReference<String> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        queue.add(() -> {
            ranOn.set(Thread.currentThread().getName());
            ran.countDown();
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).as("the task ran within 10 s").isTrue();
        return ranOn.get();
    }

    @Test
    void a_task_goes_to_the_thread_that_went_idle_last() throws Exception {
        LaneQueue queue = new LaneQueue();
        Thread first = consumer(queue, "idle-first");
        waitFor(() -> queue.idleThreads() == 1);
        Thread second = consumer(queue, "idle-second");
        waitFor(() -> queue.idleThreads() == 2);
        assertThat(threadThatRuns(queue)).isEqualTo("idle-second");
        // The same thread, idle again, is on top: consecutive tasks stay on it.
        for (int i = 0; i < 20; i++) {
            waitFor(() -> queue.idleThreads() == 2);
            assertThat(threadThatRuns(queue)).isEqualTo("idle-second");
        }
        queue.add(STOP);
        queue.add(STOP);
        first.join(10_000);
        second.join(10_000);
        assertThat(first.isAlive() || second.isAlive()).isFalse();
    }

    @Test
    void every_task_runs_when_many_threads_add_while_the_takers_go_idle_and_wake() throws Exception {
        LaneQueue queue = new LaneQueue();
        int takers = 3;
        int producers = 4;
        int perProducer = 50_000;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < takers; i++) {
            threads.add(consumer(queue, "taker-" + i));
        }
        java.util.Set<Integer> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        List<Thread> adders = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            Thread adder = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    int n = base + i;
                    queue.add(() -> {
                        seen.add(n);
                        all.countDown();
                    });
                    if (i % 64 == 0) {
                        Thread.yield(); // let the takers run dry and park now and then
                    }
                }
            });
            adder.start();
            adders.add(adder);
        }
        for (Thread adder : adders) {
            adder.join();
        }
        assertThat(all.await(60, TimeUnit.SECONDS)).as("every task ran").isTrue();
        assertThat(seen).hasSize(producers * perProducer);
        waitFor(() -> queue.idleThreads() == takers);
        assertThat(queue.isEmpty()).isTrue();
        for (int i = 0; i < takers; i++) {
            queue.add(STOP);
        }
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
    }

    @Test
    void an_interrupted_taker_leaves_the_idle_threads_and_says_so() throws Exception {
        LaneQueue queue = new LaneQueue();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                queue.take();
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        t.start();
        waitFor(() -> queue.idleThreads() == 1);
        t.interrupt();
        t.join(10_000);
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(queue.idleThreads()).isZero();
    }
}
