package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MailboxTest {
    private final JsThreads threads = new JsThreads(1, 2, 0);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdown();
        timers.shutdownNow();
        threads.awaitTermination(10_000);
    }

    @Test
    void an_isolate_that_ran_a_long_turn_moves_to_the_background_threads_and_a_light_one_stays() throws Exception {
        Mailbox heavy = new Mailbox(threads, timers);
        Mailbox light = new Mailbox(threads, timers);

        assertThat(threadOfNextTurn(heavy)).startsWith("tenantd-js-").doesNotContain("-bg-");
        heavy.execute(() -> spinCpu(Mailbox.HEAVY_TURN_NANOS * 2));
        assertThat(threadOfNextTurn(heavy)).startsWith("tenantd-js-bg-");
        assertThat(heavy.heavy()).isTrue();

        light.execute(() -> spinCpu(Mailbox.HEAVY_TURN_NANOS / 5));
        assertThat(threadOfNextTurn(light)).startsWith("tenantd-js-").doesNotContain("-bg-");
        assertThat(light.heavy()).isFalse();
    }

    @Test
    void a_long_startup_turn_does_not_make_the_isolate_heavy() throws Exception {
        Mailbox mailbox = new Mailbox(threads, timers);
        mailbox.executeStartup(() -> spinCpu(Mailbox.HEAVY_TURN_NANOS * 2));
        assertThat(threadOfNextTurn(mailbox)).startsWith("tenantd-js-").doesNotContain("-bg-");
        assertThat(mailbox.heavy()).isFalse();
    }

    @Test
    void upkeep_runs_on_the_background_threads_and_only_in_an_idle_isolate() throws Exception {
        Mailbox mailbox = new Mailbox(threads, timers);
        CompletableFuture<String> ran = new CompletableFuture<>();
        assertThat(mailbox.executeUpkeep(() -> ran.complete(Thread.currentThread().getName()))).isTrue();
        assertThat(ran.get(10, TimeUnit.SECONDS)).startsWith("tenantd-js-bg-");
        assertThat(mailbox.heavy()).isFalse();

        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        mailbox.execute(() -> await(hold));
        assertThat(mailbox.executeUpkeep(() -> { })).as("upkeep of an isolate with a turn running").isFalse();
        hold.countDown();
        assertThat(threadOfNextTurn(mailbox)).startsWith("tenantd-js-").doesNotContain("-bg-");
    }

    @Test
    void a_turn_that_arrives_before_a_waiting_upkeep_started_runs_at_once_and_the_upkeep_not_at_all() throws Exception {
        Mailbox mailbox = new Mailbox(threads, timers);
        // The only background thread is busy: the upkeep waits for it.
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        threads.execute(JsThreads.Lane.BACKGROUND, () -> await(hold));
        java.util.concurrent.atomic.AtomicBoolean upkeepRan = new java.util.concurrent.atomic.AtomicBoolean();
        assertThat(mailbox.executeUpkeep(() -> upkeepRan.set(true))).isTrue();
        try {
            assertThat(threadOfNextTurn(mailbox)).startsWith("tenantd-js-").doesNotContain("-bg-");
        } finally {
            hold.countDown();
        }
        // Once the background thread is free, what comes after the upkeep shows it was dropped.
        CompletableFuture<Void> after = new CompletableFuture<>();
        threads.execute(JsThreads.Lane.BACKGROUND, () -> after.complete(null));
        after.get(10, TimeUnit.SECONDS);
        assertThat(upkeepRan).isFalse();
        assertThat(threadOfNextTurn(mailbox)).startsWith("tenantd-js-").doesNotContain("-bg-");
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void turns_keep_their_order_across_the_move_to_the_background() throws Exception {
        Mailbox mailbox = new Mailbox(threads, timers);
        StringBuilder order = new StringBuilder();
        CompletableFuture<String> done = new CompletableFuture<>();
        mailbox.execute(() -> order.append('a'));
        mailbox.execute(() -> {
            spinCpu(Mailbox.HEAVY_TURN_NANOS * 2);
            order.append('b');
        });
        mailbox.execute(() -> order.append('c'));
        mailbox.execute(() -> order.append('d'));
        mailbox.execute(() -> done.complete(order.toString()));
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo("abcd");
    }

    @Test
    void a_turn_that_runs_long_gives_up_its_place_in_the_lane_while_it_still_runs() throws Exception {
        Mailbox looping = new Mailbox(threads, timers);
        Mailbox other = new Mailbox(threads, timers);
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<String> loopingThread = new CompletableFuture<>();
        CompletableFuture<Void> loopEnded = new CompletableFuture<>();
        looping.execute(() -> {
            loopingThread.complete(ThreadNice.currentThreadId().orElseThrow());
            while (!release.get()) {
                Thread.onSpinWait();
            }
            loopEnded.complete(null);
        });
        String tid = loopingThread.get(10, TimeUnit.SECONDS);
        try {
            // The lane has one thread, and it is busy with the loop: the other isolate's turn
            // still runs, on the thread that took the looping one's place.
            assertThat(threadOfNextTurn(other)).startsWith("tenantd-js-").doesNotContain("-bg-");
            assertThat(loopEnded).isNotDone();
            assertThat(threads.detachedCount()).isEqualTo(1);
            // The looping thread goes on at the lowest priority.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (niceOf(tid) != 19 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(niceOf(tid)).isEqualTo(19);
        } finally {
            release.set(true);
        }
        loopEnded.get(10, TimeUnit.SECONDS);
        // Its thread ends after the turn; the isolate's next turns go to the background lane.
        assertThat(threadOfNextTurn(looping)).startsWith("tenantd-js-bg-");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (threads.detachedCount() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(threads.detachedCount()).isZero();
    }

    @Test
    void at_the_cap_on_long_turns_a_further_long_turn_is_stopped_and_the_others_keep_running() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        List<CompletableFuture<Void>> stopped = new java.util.ArrayList<>();
        List<CompletableFuture<Void>> started = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Mailbox mailbox = new Mailbox(threads, timers);
                CompletableFuture<Void> stop = new CompletableFuture<>();
                CompletableFuture<Void> start = new CompletableFuture<>();
                mailbox.whenNoThreadForLongTurn(() -> stop.complete(null));
                stopped.add(stop);
                started.add(start);
                mailbox.execute(() -> {
                    start.complete(null);
                    while (!release.get() && !stop.isDone()) {
                        Thread.onSpinWait();
                    }
                });
                start.get(20, TimeUnit.SECONDS); // each loop gets a thread: the one before was detached
            }
            // The cap is two: the third long turn is the one stopped.
            stopped.get(2).get(20, TimeUnit.SECONDS);
            assertThat(stopped.get(0)).isNotDone();
            assertThat(stopped.get(1)).isNotDone();
            assertThat(threads.detachedCount()).isEqualTo(2);
        } finally {
            release.set(true);
        }
    }

    @Test
    void a_long_turn_that_ends_while_it_is_being_stopped_is_not_followed_by_the_next_turn_in_between() throws Exception {
        JsThreads capped = new JsThreads(1, 0, 0);
        try {
            Mailbox mailbox = new Mailbox(capped, timers);
            java.util.concurrent.atomic.AtomicReference<String> runningNow = new java.util.concurrent.atomic.AtomicReference<>();
            CompletableFuture<Void> stopping = new CompletableFuture<>();
            CompletableFuture<String> stoppedWhileRunning = new CompletableFuture<>();
            // The stop is slow to act: meanwhile the long turn returns (it ends as soon as the stop
            // began), and the next turn must not start before the stop is over.
            mailbox.whenNoThreadForLongTurn(() -> {
                stopping.complete(null);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                while (!"next".equals(runningNow.get()) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                stoppedWhileRunning.complete(runningNow.get());
            });
            mailbox.execute(() -> {
                runningNow.set("long");
                while (!stopping.isDone()) {
                    Thread.onSpinWait();
                }
            });
            mailbox.execute(() -> runningNow.set("next"));
            assertThat(stoppedWhileRunning.get(20, TimeUnit.SECONDS)).as("the turn running while the stop acted")
                    .isEqualTo("long");
            assertThat(threadOfNextTurn(mailbox)).isNotNull();
            assertThat(runningNow.get()).isEqualTo("next");
        } finally {
            capped.shutdown();
            capped.awaitTermination(10_000);
        }
    }

    @Test
    void a_long_turn_alarm_that_comes_after_its_turn_ended_detaches_nothing() throws Exception {
        Mailbox mailbox = new Mailbox(threads, timers);
        CompletableFuture<JsThreads.JsThread> ranOn = new CompletableFuture<>();
        Runnable turn = () -> ranOn.complete(JsThreads.current().orElseThrow());
        mailbox.execute(turn);
        JsThreads.JsThread thread = ranOn.get(10, TimeUnit.SECONDS);
        threadOfNextTurn(mailbox); // the mailbox has moved on: the turn is over
        mailbox.longTurn(thread, turn); // as the watchdog, late
        assertThat(threads.detachedCount()).isZero();
        assertThat(thread.detached()).isFalse();
    }

    @Test
    void another_threads_os_priority_can_be_lowered_by_its_kernel_id() throws Exception {
        CompletableFuture<String> id = new CompletableFuture<>();
        CompletableFuture<Integer> nice = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch lowered = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                id.complete(ThreadNice.currentThreadId().orElseThrow());
                lowered.await();
                nice.complete(currentNice());
            } catch (Throwable e) {
                nice.completeExceptionally(e);
            }
        });
        t.start();
        assertThat(ThreadNice.lower(List.of(id.get(10, TimeUnit.SECONDS)), 19)).isTrue();
        lowered.countDown();
        assertThat(nice.get(20, TimeUnit.SECONDS)).isEqualTo(19);
        assertThat(currentNice()).as("only the named thread changes").isEqualTo(0);
    }

    @Test
    void the_engines_background_threads_run_at_the_lowest_priority() throws Exception {
        JsEngine engine = JsEngine.start(EngineOptions.defaults().withJsThreads(1).withPrewarmedIsolates(0));
        try {
            Worker worker = Engines.get(engine.load(Engines.module("""
                    export default { fetch() {
                      // A fixed amount of work, not a span of time: on a busy machine a timed loop
                      // gets less CPU and would not count as a long turn.
                      let x = 0; for (let i = 0; i < 50_000_000; i++) { x = (x + i) % 7919; }
                      return new Response(String(x));
                    } };"""),
                    new Engines.RecordingHost()));
            Engines.get(worker, "http://heavy/");
            CompletableFuture<String> where = new CompletableFuture<>();
            worker.mailbox().execute(() -> where.complete(Thread.currentThread().getName() + " nice " + niceOrFail()));
            assertThat(where.get(10, TimeUnit.SECONDS)).startsWith("tenantd-js-bg-").endsWith(" nice 19");
        } finally {
            engine.close();
        }
    }

    private String threadOfNextTurn(Mailbox mailbox) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        mailbox.execute(() -> name.complete(Thread.currentThread().getName()));
        return name.get(10, TimeUnit.SECONDS);
    }

    private static void spinCpu(long nanos) {
        long end = CpuWatchdog.threadCpuNanos() + nanos;
        while (CpuWatchdog.threadCpuNanos() < end) {
            Thread.onSpinWait();
        }
    }

    private static int niceOrFail() {
        try {
            return currentNice();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The nice value of the calling thread, field 19 of /proc/thread-self/stat. */
    private static int currentNice() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(afterName[19 - 3]);
    }

    /** The nice value of a thread of this process, field 19 of its stat file. */
    private static int niceOf(String tid) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(afterName[19 - 3]);
    }
}
