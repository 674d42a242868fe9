package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MailboxTest {
    private final ThreadPoolExecutor foreground = pool("fg-");
    private final ThreadPoolExecutor background = pool("bg-");
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        foreground.shutdownNow();
        background.shutdownNow();
        timers.shutdownNow();
    }

    @Test
    void an_isolate_that_ran_a_long_turn_moves_to_the_background_threads_and_a_light_one_stays() throws Exception {
        Mailbox heavy = new Mailbox(foreground, background, timers);
        Mailbox light = new Mailbox(foreground, background, timers);

        assertThat(threadOfNextTurn(heavy)).startsWith("fg-");
        heavy.execute(() -> spinCpu(Mailbox.HEAVY_TURN_NANOS * 2));
        assertThat(threadOfNextTurn(heavy)).startsWith("bg-");
        assertThat(heavy.heavy()).isTrue();

        light.execute(() -> spinCpu(Mailbox.HEAVY_TURN_NANOS / 5));
        assertThat(threadOfNextTurn(light)).startsWith("fg-");
        assertThat(light.heavy()).isFalse();
    }

    @Test
    void a_long_startup_turn_does_not_make_the_isolate_heavy() throws Exception {
        Mailbox mailbox = new Mailbox(foreground, background, timers);
        mailbox.executeStartup(() -> spinCpu(Mailbox.HEAVY_TURN_NANOS * 2));
        assertThat(threadOfNextTurn(mailbox)).startsWith("fg-");
        assertThat(mailbox.heavy()).isFalse();
    }

    @Test
    void turns_keep_their_order_across_the_move_to_the_background() throws Exception {
        Mailbox mailbox = new Mailbox(foreground, background, timers);
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
                    export default { fetch() { const end = Date.now() + 15; while (Date.now() < end) {} return new Response('done'); } };"""),
                    new Engines.RecordingHost()));
            Engines.get(worker, "http://heavy/");
            CompletableFuture<String> where = new CompletableFuture<>();
            worker.mailbox().execute(() -> where.complete(Thread.currentThread().getName() + " nice " + niceOrFail()));
            assertThat(where.get(10, TimeUnit.SECONDS)).isEqualTo("tenantd-js-bg-1 nice 19");
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

    private static ThreadPoolExecutor pool(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> new Thread(r, prefix + n.incrementAndGet()));
    }
}
