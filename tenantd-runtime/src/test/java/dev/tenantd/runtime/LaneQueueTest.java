package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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

    /** Whether {@code thread} is parked waiting for a task of {@code queue}. */
    private static boolean parkedIn(LaneQueue queue, Thread thread) {
        return thread.getState() == Thread.State.WAITING && java.util.concurrent.locks.LockSupport.getBlocker(thread) == queue;
    }

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

    /**
     * The queue a taker polls once more after it went on the idle stack; that poll, once, does
     * what a contended lock inside it may: meanwhile another thread queues a task, takes the
     * taker off the stack to wake it and has the task run elsewhere, and the taker's park permit
     * is used up before the poll returns empty.
     */
    private static final class PermitUsingQueue extends LinkedBlockingQueue<Runnable> {
        LaneQueue lane;
        final AtomicReference<Runnable> takenElsewhere = new AtomicReference<>();
        private boolean done;

        @Override
        public Runnable poll() {
            Runnable task = super.poll();
            if (task == null && !done && lane.idleThreads() == 1) {
                done = true;
                lane.add(() -> { });
                takenElsewhere.set(super.poll());
                LockSupport.park(this); // returns at once: the wake-up set the permit
                return null;
            }
            return task;
        }
    }

    @Test
    void a_taker_whose_park_permit_was_used_up_before_it_parked_still_wakes_for_the_next_task() throws Exception {
        PermitUsingQueue tasks = new PermitUsingQueue();
        LaneQueue queue = new LaneQueue(tasks);
        tasks.lane = queue;
        Thread taker = consumer(queue, "taker");
        waitFor(() -> tasks.takenElsewhere.get() != null);
        assertThat(threadThatRuns(queue)).isEqualTo("taker");
        waitFor(() -> queue.idleThreads() == 1);
        queue.add(STOP);
        taker.join(10_000);
        assertThat(taker.isAlive()).isFalse();
    }

    /**
     * The top sleeper is interrupted just before a task is queued. The task's wake-up takes it off
     * the stack, and it wakes interrupted: unless it passes the wake-up on, the task waits in the
     * queue while the other thread sleeps. The wake-up usually lands before the interrupted
     * thread runs again (so most rounds take that path); when the thread runs first it leaves
     * the stack itself, and the wake-up goes straight to the other one. Either way the other runs
     * the task.
     */
    @Test
    void a_wake_up_that_reaches_an_interrupted_thread_goes_on_to_another() throws Exception {
        for (int round = 0; round < 200; round++) {
            LaneQueue queue = new LaneQueue();
            Thread other = consumer(queue, "other");
            waitFor(() -> parkedIn(queue, other));
            Thread interrupted = consumer(queue, "interrupted");
            // Parked, not just on the stack: between going on it and parking, a thread looks at
            // the queue once more, and would take the task itself, interrupted or not.
            waitFor(() -> parkedIn(queue, interrupted));
            assertThat(queue.idleThreads()).isEqualTo(2);
            AtomicReference<String> ranOn = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            interrupted.interrupt();
            queue.add(() -> {
                ranOn.set(Thread.currentThread().getName());
                ran.countDown();
            });
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("round %d: the task ran within 10 s", round).isTrue();
            assertThat(ranOn.get()).isEqualTo("other");
            interrupted.join(10_000);
            assertThat(interrupted.isAlive()).isFalse();
            waitFor(() -> queue.idleThreads() == 1);
            queue.add(STOP);
            other.join(10_000);
            assertThat(other.isAlive()).isFalse();
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

    @Test
    void closing_wakes_every_waiting_taker_which_runs_what_is_queued_and_then_gets_nothing() throws Exception {
        LaneQueue queue = new LaneQueue();
        int takers = 4;
        List<Runnable> taken = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < takers; i++) {
            Thread t = new Thread(() -> {
                try {
                    for (Runnable task; (task = queue.take()) != null; ) {
                        taken.add(task);
                    }
                } catch (InterruptedException e) {
                    // ends
                }
            }, "closing-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        waitFor(() -> queue.idleThreads() == takers);
        Runnable queued = () -> { };
        queue.add(queued);
        queue.close();
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as(t.getName() + " ended after the queue closed").isFalse();
        }
        assertThat(taken).containsExactly(queued);
        assertThat(queue.idleThreads()).isZero();
        assertThat(queue.take()).as("a closed, empty queue does not make its taker wait").isNull();
    }

    @Test
    void a_task_queued_after_the_close_is_refused_and_left_nowhere() throws Exception {
        LaneQueue queue = new LaneQueue();
        Thread taker = new Thread(() -> {
            try {
                while (queue.take() != null) {
                    // runs what is queued
                }
            } catch (InterruptedException e) {
                // ends
            }
        }, "closing-taker");
        taker.setDaemon(true);
        taker.start();
        waitFor(() -> queue.idleThreads() == 1);
        queue.close();
        taker.join(10_000);
        assertThat(taker.isAlive()).as("the taker ended after the queue closed").isFalse();

        // What JsThreads.execute does when the engine closes between its check and the add: the
        // task would sit in a queue that no thread takes from any more.
        Runnable late = () -> { };
        assertThatThrownBy(() -> queue.add(late)).isInstanceOf(java.util.concurrent.RejectedExecutionException.class)
                .hasMessageContaining("closed");
        assertThat(queue.poll()).as("the refused task is not left in the queue").isNull();
    }

    @Test
    void a_task_added_between_a_takers_last_look_and_the_close_is_still_taken() throws Exception {
        LaneQueue[] queue = new LaneQueue[1];
        Runnable late = () -> { };
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean(true);
        // The taker's look finds the queue empty; before it looks at the flag, another thread adds a
        // task (and sees the queue open, so it is not refused), and then the queue closes.
        LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>() {
            @Override
            public Runnable poll() {
                Runnable task = super.poll();
                if (task == null && once.compareAndSet(true, false)) {
                    Thread adder = new Thread(() -> queue[0].add(late), "adder");
                    adder.start();
                    try {
                        adder.join(10_000);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    queue[0].close();
                }
                return task;
            }
        };
        queue[0] = new LaneQueue(tasks);
        assertThat(queue[0].take()).as("the task added before the close").isSameAs(late);
        assertThat(queue[0].take()).as("then nothing").isNull();
    }

    @Test
    void every_task_added_while_the_queue_closes_either_runs_or_is_refused() throws Exception {
        for (int round = 0; round < 200; round++) {
            LaneQueue queue = new LaneQueue();
            java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    try {
                        for (Runnable task; (task = queue.take()) != null; ) {
                            task.run();
                        }
                    } catch (InterruptedException e) {
                        // ends
                    }
                }, "taker-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            int perAdder = 50;
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 2; i++) {
                Thread adder = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int n = 0; n < perAdder; n++) {
                        try {
                            queue.add(ran::incrementAndGet);
                        } catch (java.util.concurrent.RejectedExecutionException e) {
                            refused.incrementAndGet();
                        }
                    }
                }, "adder-" + i);
                adder.setDaemon(true);
                adder.start();
                threads.add(adder);
            }
            go.countDown();
            queue.close();
            for (Thread t : threads) {
                t.join(10_000);
                assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
            }
            assertThat(ran.get() + refused.get()).as("round " + round + ": every task ran or was refused").isEqualTo(2 * perAdder);
            assertThat(queue.poll()).as("round " + round + ": nothing is left in the closed queue").isNull();
        }
    }
}
