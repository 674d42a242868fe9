package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A due trim of the native heap runs only after an interval in which no JS task started. */
class QuietTrimTest {
    /** Checks are scheduled an hour ahead, so only the test's own calls to check() run them. */
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private final AtomicLong activity = new AtomicLong();
    private final AtomicInteger trims = new AtomicInteger();
    private final QuietTrim trim = new QuietTrim(timers, activity::get, trims::incrementAndGet, TimeUnit.HOURS.toMillis(1));

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aQuietEngineIsTrimmedAtTheFirstCheck() {
        trim.request();
        assertThat(trims).hasValue(0);
        assertThat(trim.check()).isTrue();
        assertThat(trims).hasValue(1);
        assertThat(trim.pending()).isFalse();
    }

    @Test
    void aBusyEngineIsNotTrimmedUntilAnIntervalPassesWithNoTask() {
        trim.request();
        for (int busy = 0; busy < 3; busy++) {
            activity.incrementAndGet(); // a JS thread started a task in this interval
            assertThat(trim.check()).as("check after busy interval %d", busy).isFalse();
            assertThat(trim.pending()).isTrue();
        }
        assertThat(trims).hasValue(0);
        assertThat(timers.getQueue()).as("each busy check looks again later").hasSize(4);
        assertThat(trim.check()).isTrue();
        assertThat(trims).hasValue(1);
    }

    @Test
    void requestsWhileOneIsPendingAddNoSecondTrim() {
        trim.request();
        trim.request();
        trim.request();
        assertThat(timers.getQueue()).hasSize(1);
        assertThat(trim.check()).isTrue();
        assertThat(trims).hasValue(1);
        trim.request();
        assertThat(trim.pending()).as("a new request after the trim waits again").isTrue();
    }

    @Test
    void aClosedTimerLeavesNothingPending() {
        timers.shutdown();
        trim.request();
        assertThat(trim.pending()).isFalse();
        assertThat(trims).hasValue(0);
    }

    @Test
    void jsThreadsCountTheTasksTheyStart() throws Exception {
        JsThreads threads = new JsThreads(1, 2, 512 * 1024);
        try {
            long before = threads.tasksStarted();
            CountDownLatch ran = new CountDownLatch(2);
            threads.execute(JsThreads.Lane.FOREGROUND, ran::countDown);
            threads.execute(JsThreads.Lane.BACKGROUND, ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            // A thread counts a task before it runs it, so both counts are in by now.
            assertThat(threads.tasksStarted()).isEqualTo(before + 2);
        } finally {
            threads.shutdown();
        }
    }
}
