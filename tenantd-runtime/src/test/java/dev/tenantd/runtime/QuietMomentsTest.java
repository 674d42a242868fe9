package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Upkeep that is due runs after an interval in which no foreground JS task started, or after its longest wait. */
class QuietMomentsTest {
    /** Checks are scheduled an hour ahead, so only the test's own calls to check() run them. */
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private final AtomicLong activity = new AtomicLong();
    private final List<String> ran = new ArrayList<>();
    private final QuietMoments quiet = new QuietMoments(timers, activity::get, TimeUnit.HOURS.toMillis(1));

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private Runnable work(String name) {
        return () -> ran.add(name);
    }

    @Test
    void waitingWorkRunsAtTheFirstCheckOfAQuietEngine() {
        quiet.whenQuiet("trim", work("trim"), QuietMoments.NO_LONGEST_WAIT);
        assertThat(ran).isEmpty();
        assertThat(quiet.check()).isTrue();
        assertThat(ran).containsExactly("trim");
        assertThat(quiet.isWaiting("trim")).isFalse();
        assertThat(timers.getQueue()).as("nothing waits, so no further check").hasSize(1);
    }

    @Test
    void aBusyEngineRunsNothingUntilAnIntervalPassesWithNoTask() {
        quiet.whenQuiet("trim", work("trim"), QuietMoments.NO_LONGEST_WAIT);
        quiet.whenQuiet("isolate", work("isolate"), TimeUnit.HOURS.toMillis(1));
        for (int busy = 0; busy < 3; busy++) {
            activity.incrementAndGet(); // a foreground JS thread started a task in this interval
            assertThat(quiet.check()).as("check after busy interval %d", busy).isFalse();
            assertThat(quiet.isWaiting("trim")).isTrue();
        }
        assertThat(ran).isEmpty();
        assertThat(timers.getQueue()).as("each busy check looks again later").hasSize(4);
        assertThat(quiet.check()).isTrue();
        assertThat(ran).containsExactly("trim", "isolate");
    }

    @Test
    void workThatHasWaitedItsLongestRunsWhileTheEngineIsBusy() {
        quiet.whenQuiet("isolate", work("isolate"), 0);
        quiet.whenQuiet("trim", work("trim"), QuietMoments.NO_LONGEST_WAIT);
        activity.incrementAndGet();
        assertThat(quiet.check()).isFalse();
        assertThat(ran).containsExactly("isolate");
        assertThat(quiet.isWaiting("trim")).as("work without a longest wait still waits").isTrue();
    }

    @Test
    void workOfAKeyThatWaitsIsNotAddedTwice() {
        quiet.whenQuiet("trim", work("first"), QuietMoments.NO_LONGEST_WAIT);
        quiet.whenQuiet("trim", work("second"), QuietMoments.NO_LONGEST_WAIT);
        quiet.whenQuiet("trim", work("third"), 0);
        assertThat(timers.getQueue()).hasSize(1);
        assertThat(quiet.check()).isTrue();
        assertThat(ran).containsExactly("first");
        quiet.whenQuiet("trim", work("again"), QuietMoments.NO_LONGEST_WAIT);
        assertThat(quiet.isWaiting("trim")).as("once it ran, the key may wait again").isTrue();
    }

    @Test
    void aClosedTimerLeavesNothingWaiting() {
        timers.shutdown();
        quiet.whenQuiet("trim", work("trim"), QuietMoments.NO_LONGEST_WAIT);
        assertThat(quiet.isWaiting("trim")).isFalse();
        assertThat(ran).isEmpty();
    }

    @Test
    void jsThreadsCountTheTasksTheyStartByLane() throws Exception {
        JsThreads threads = new JsThreads(1, 2, 512 * 1024);
        try {
            long foreground = threads.tasksStarted(JsThreads.Lane.FOREGROUND);
            long background = threads.tasksStarted(JsThreads.Lane.BACKGROUND);
            CountDownLatch ran = new CountDownLatch(3);
            threads.execute(JsThreads.Lane.FOREGROUND, ran::countDown);
            threads.execute(JsThreads.Lane.BACKGROUND, ran::countDown);
            threads.execute(JsThreads.Lane.BACKGROUND, ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            // A thread counts a task before it runs it, so the counts are in by now.
            assertThat(threads.tasksStarted(JsThreads.Lane.FOREGROUND)).isEqualTo(foreground + 1);
            assertThat(threads.tasksStarted(JsThreads.Lane.BACKGROUND)).isEqualTo(background + 2);

            // A thread detached for a long turn ends after it; its tasks still count.
            CountDownLatch detached = new CountDownLatch(1);
            threads.execute(JsThreads.Lane.FOREGROUND, () -> {
                threads.detach(JsThreads.current().orElseThrow());
                detached.countDown();
            });
            assertThat(detached.await(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (threads.detachedCount() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(threads.detachedCount()).as("the detached thread ended").isZero();
            assertThat(threads.tasksStarted(JsThreads.Lane.FOREGROUND)).isEqualTo(foreground + 2);
        } finally {
            threads.shutdown();
        }
    }
}
