package dev.tenantd.platform.d1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a D1 engine keeps open stay within its limit, whatever the lanes they belong to are doing. */
class D1EngineOpenFilesTest {
    @TempDir
    Path dir;

    @Test
    void a_database_whose_queue_was_full_when_its_file_was_to_close_is_closed_later() throws Exception {
        // One open file, one call waiting per database, one thread per account.
        D1Limits limits = new D1Limits(Duration.ofSeconds(30), 1 << 20, 1L << 30, 1 << 20, 1, 2, 1, 10);
        try (D1Engine engine = new D1Engine(dir, limits)) {
            String a = UUID.randomUUID().toString();
            String b = UUID.randomUUID().toString();
            String c = UUID.randomUUID().toString();
            engine.create("acct-1", a).get(30, TimeUnit.SECONDS);

            // a's lane busy, and its queue full
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> busy = engine.withDatabase("acct-1", a, db -> {
                running.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Object> queued = engine.withDatabase("acct-1", a, db -> null);

            // b opens: a's file is over the limit, and its close finds the queue full
            engine.create("acct-2", b).get(30, TimeUnit.SECONDS);
            release.countDown();
            busy.get(30, TimeUnit.SECONDS);
            queued.get(30, TimeUnit.SECONDS);

            // c opens: both a and b are over the limit now, and both close
            engine.create("acct-2", c).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.openFiles() > 1 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertThat(engine.openFiles()).as("files open, of a limit of one").isEqualTo(1);
        }
    }
}
