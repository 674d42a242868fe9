package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a turn's CPU clock is read: a drain that directly follows another on the same JS thread
 * starts from the reading the other closed with, and anything else the thread ran in between
 * makes it read afresh, so that work is charged to no tenant.
 */
class TurnCpuClockTest {
    /** Each test runs on a thread of its own, as a JS thread would: the clock's state is per thread. */
    private final ExecutorService thread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    private <T> T onThread(Callable<T> body) throws Exception {
        return thread.submit(body).get();
    }

    /** Spins for about {@code nanos} of this thread's CPU time. */
    private static void burn(long nanos) {
        long until = CpuWatchdog.threadCpuNanos() + nanos;
        long x = 0;
        while (CpuWatchdog.threadCpuNanos() < until) {
            x += System.nanoTime() & 3;
        }
        assertThat(x).isNotNegative();
    }

    @Test
    void a_drain_right_after_a_drain_starts_from_the_reading_that_closed_the_first() throws Exception {
        long[] seen = onThread(() -> {
            TurnCpuClock.taskStarting();
            TurnCpuClock.startDrain();
            burn(2_000_000);
            long closing = TurnCpuClock.read(); // the end of a turn
            TurnCpuClock.endDrain();
            long readsBefore = TurnCpuClock.readsOnThisThread();
            TurnCpuClock.taskStarting(); // the thread waited, woke, and takes the next drain
            long start = TurnCpuClock.startDrain();
            long firstTurnStart = TurnCpuClock.lastReading();
            return new long[] {closing, start, firstTurnStart, TurnCpuClock.readsOnThisThread() - readsBefore};
        });
        assertThat(seen[1]).isEqualTo(seen[0]);
        assertThat(seen[2]).isEqualTo(seen[0]);
        assertThat(seen[3]).as("clock reads when the second drain started").isZero();
    }

    @Test
    void other_work_between_two_drains_is_not_charged_to_the_second() throws Exception {
        long[] seen = onThread(() -> {
            TurnCpuClock.taskStarting();
            TurnCpuClock.startDrain();
            long closing = TurnCpuClock.read();
            TurnCpuClock.endDrain();
            TurnCpuClock.taskStarting(); // some other task: an isolate pre-warmed, say
            burn(20_000_000);
            long afterOther = CpuWatchdog.threadCpuNanos();
            TurnCpuClock.taskStarting();
            long readsBefore = TurnCpuClock.readsOnThisThread();
            long start = TurnCpuClock.startDrain();
            return new long[] {closing, afterOther, start, TurnCpuClock.readsOnThisThread() - readsBefore};
        });
        assertThat(seen[2]).as("the second drain starts after the other task's work").isGreaterThanOrEqualTo(seen[1]);
        assertThat(seen[2] - seen[0]).isGreaterThanOrEqualTo(20_000_000);
        assertThat(seen[3]).isEqualTo(1);
    }

    @Test
    void on_a_thread_that_counts_no_tasks_every_drain_reads_the_clock() throws Exception {
        long reads = onThread(() -> {
            TurnCpuClock.startDrain();
            TurnCpuClock.read();
            TurnCpuClock.endDrain();
            long before = TurnCpuClock.readsOnThisThread();
            TurnCpuClock.startDrain();
            return TurnCpuClock.readsOnThisThread() - before;
        });
        assertThat(reads).isEqualTo(1);
    }
}
