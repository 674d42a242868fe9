package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker's name lookups queue behind its own: it runs a few at once whatever its name servers
 * do, its queue has a bound, and what waits past the end of its fetch is never run.
 */
class NameLookupsTest {
    private static final EgressPolicies OPEN = new EgressPolicies(EgressPolicy.OPEN, EgressPolicy.OPEN, EgressPolicy.OPEN);
    private final Vertx vertx = Vertx.vertx();
    private final CountDownLatch answer = new CountDownLatch(1);
    /** Names looked up so far; those under "slow." hang until {@link #answer}. */
    private final List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentHashMap<String, Boolean> hanging = new ConcurrentHashMap<>();
    private final CountDownLatch fullLane = new CountDownLatch(NameLookups.PER_REQUESTER);
    /** The most lookups that hung at once. */
    private final java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();

    private final NameLookups lookups = new NameLookups(vertx, (host, policies, what) -> {
        started.add(host);
        if (host.startsWith("slow.")) {
            hanging.put(host, true);
            peak.accumulateAndGet(hanging.size(), Math::max);
            fullLane.countDown();
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hanging.remove(host);
            }
        }
        return InetAddress.getLoopbackAddress();
    });

    @AfterEach
    void close() {
        answer.countDown();
        lookups.close();
        vertx.close().await();
    }

    private static <T> T await(Future<T> future) {
        return future.toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** Waits until a requester's lane is full: {@link NameLookups#PER_REQUESTER} lookups hang. */
    private void awaitFullLane() throws InterruptedException {
        assertThat(fullLane.await(30, TimeUnit.SECONDS)).as("lookups hanging").isTrue();
    }

    @Test
    void one_worker_runs_a_few_lookups_at_once_and_others_are_not_held_up() throws Exception {
        List<Future<InetAddress>> hog = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            hog.add(lookups.resolve("slow.n" + i + ".test", OPEN, "fetch", "hog", () -> false));
        }
        awaitFullLane();
        assertThat(lookups.waiting("hog")).isEqualTo(40 - NameLookups.PER_REQUESTER);

        assertThat(await(lookups.resolve("quick.test", OPEN, "fetch", "bystander", () -> false)))
                .isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(hanging).hasSize(NameLookups.PER_REQUESTER);
        assertThat(hog).noneMatch(Future::isComplete);

        answer.countDown();
        hog.forEach(NameLookupsTest::await);
        assertThat(started).hasSize(41);
        assertThat(lookups.waiting("hog")).isZero();
    }

    @Test
    void thirty_one_workers_whose_names_never_answer_leave_threads_for_the_others() throws Exception {
        List<Future<InetAddress>> hogs = new ArrayList<>();
        for (int worker = 0; worker < 31; worker++) {
            for (int i = 0; i < NameLookups.PER_REQUESTER; i++) {
                hogs.add(lookups.resolve("slow.w" + worker + "n" + i + ".test", OPEN, "fetch", "hog" + worker, () -> false));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (hanging.size() < 31 * NameLookups.PER_REQUESTER && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(hanging).as("lookups hanging, each worker's on threads of their own").hasSize(31 * NameLookups.PER_REQUESTER);
        assertThat(await(lookups.resolve("quick.test", OPEN, "fetch", "bystander", () -> false)))
                .isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(hogs).noneMatch(Future::isComplete);
        answer.countDown();
        hogs.forEach(NameLookupsTest::await);
    }

    @Test
    void lanes_hold_when_lookups_arrive_from_many_threads_at_once() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<InetAddress>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int from = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50; i++) {
                    all.add(lookups.resolve("slow.n" + from + "-" + i + ".test", OPEN, "fetch", "hog", () -> false));
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        awaitFullLane();
        assertThat(lookups.waiting("hog")).isEqualTo(400 - NameLookups.PER_REQUESTER);
        answer.countDown();
        all.forEach(NameLookupsTest::await);
        assertThat(started).hasSize(400);
        assertThat(peak.get()).as("lookups of one requester at once").isEqualTo(NameLookups.PER_REQUESTER);
        assertThat(lookups.waiting("hog")).isZero();
    }

    @Test
    void a_full_queue_refuses_at_once_and_abandoned_lookups_are_passed_over() throws Exception {
        AtomicBoolean abandoned = new AtomicBoolean();
        List<Future<InetAddress>> queued = new ArrayList<>();
        for (int i = 0; i < NameLookups.PER_REQUESTER + NameLookups.MAX_WAITING; i++) {
            queued.add(lookups.resolve("slow.n" + i + ".test", OPEN, "fetch to n" + i, "hog", abandoned::get));
        }
        awaitFullLane();
        Future<InetAddress> refused = lookups.resolve("slow.one-more.test", OPEN, "fetch to one-more", "hog", () -> false);
        assertThat(refused.failed()).isTrue();
        assertThat(refused.cause().getMessage()).isEqualTo("fetch to one-more was refused: this worker has 10000 name "
                + "lookups waiting for its 4 running ones (its name servers are slow to answer).");

        abandoned.set(true);
        answer.countDown();
        for (Future<InetAddress> f : queued) {
            f.toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        assertThat(started).as("only the lookups that had started ran").hasSize(NameLookups.PER_REQUESTER);
        assertThat(queued.subList(NameLookups.PER_REQUESTER, queued.size())).allSatisfy(f -> {
            assertThat(f.failed()).isTrue();
            assertThat(f.cause().getMessage()).endsWith(" was cancelled.");
        });
        // the queue is free again
        assertThat(await(lookups.resolve("quick.test", OPEN, "fetch", "hog", () -> false)))
                .isEqualTo(InetAddress.getLoopbackAddress());
    }
}
