package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closing the JS threads ends every one of them, after the tasks already queued ran. */
class JsThreadsShutdownTest {
    @Test
    void every_thread_of_both_lanes_ends_after_what_was_queued_ran() throws Exception {
        // Several rounds: idle threads wake in some order, and none may be left waiting.
        for (int round = 0; round < 20; round++) {
            JsThreads threads = new JsThreads(4, 2, 0);
            AtomicInteger ran = new AtomicInteger();
            threads.execute(JsThreads.Lane.FOREGROUND, ran::incrementAndGet);
            threads.execute(JsThreads.Lane.BACKGROUND, ran::incrementAndGet);
            threads.shutdown();
            threads.awaitTermination(10_000);
            assertThat(threads.liveThreads()).as("threads left after round " + round).isZero();
            assertThat(ran).as("queued tasks that ran in round " + round).hasValue(2);
        }
    }
}
