package dev.tenantd.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Analytics queries wait in lines per account: one account's flood is refused, not everyone's queries. */
class AnalyticsThreadsTest {

    @Test
    void one_accounts_flood_is_refused_while_another_account_still_gets_in_line() throws Exception {
        try (AnalyticsThreads threads = new AnalyticsThreads()) {
            CountDownLatch running = new CountDownLatch(AnalyticsThreads.THREADS);
            CountDownLatch release = new CountDownLatch(1);
            List<CompletableFuture<String>> holding = new ArrayList<>();
            for (int i = 0; i < AnalyticsThreads.THREADS; i++) {
                holding.add(threads.run("flood", () -> {
                    running.countDown();
                    await(release);
                    return "held";
                }));
            }
            assertThat(running.await(30, TimeUnit.SECONDS)).as("both threads taken").isTrue();

            List<CompletableFuture<String>> queued = new ArrayList<>();
            CompletableFuture<String> refused = null;
            for (int i = 0; i < AnalyticsThreads.QUEUE && refused == null; i++) {
                CompletableFuture<String> q = threads.run("flood", () -> "flood");
                if (q.isCompletedExceptionally()) {
                    refused = q;
                } else {
                    queued.add(q);
                }
            }
            assertThat(refused).as("the flooding account is refused before the queue is full").isNotNull();
            assertThat(queued).hasSizeLessThan(AnalyticsThreads.QUEUE / 2);
            CompletableFuture<String> refusal = refused;
            assertThat(org.assertj.core.api.Assertions.catchThrowable(refusal::get))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(AnalyticsThreads.Busy.class)
                    .hasMessageContaining("Server busy");

            CompletableFuture<String> other = threads.run("other", () -> "other");
            assertThat(other.isCompletedExceptionally()).as("another account still gets in line").isFalse();
            release.countDown();
            assertThat(other.get(30, TimeUnit.SECONDS)).isEqualTo("other");
            for (CompletableFuture<String> q : queued) {
                assertThat(q.get(30, TimeUnit.SECONDS)).isEqualTo("flood");
            }
            for (CompletableFuture<String> h : holding) {
                assertThat(h.get(30, TimeUnit.SECONDS)).isEqualTo("held");
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
