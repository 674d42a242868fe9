package dev.tenantd.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as the binding uses it: policy, store and answers together, on its own threads, with a clock the test moves. */
class CacheServiceTest {
    @TempDir
    Path dir;

    /** A clock that stands still until the test moves it. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static final HttpFields NONE = HttpFields.parse("");

    private static CacheKey key(String path) {
        return CacheKey.of("account:a", Optional.of("c"), "https://x/" + path);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void an_entry_lives_as_long_as_its_max_age_says() {
        TestClock clock = new TestClock();
        try (CacheService cache = CacheService.open(dir, CacheLimits.defaults(), clock)) {
            assertThat(cache.put(key("a"), NONE, 200, "OK", HttpFields.parse("cache-control\0max-age=10"), bytes("a")).join())
                    .isTrue();
            clock.advance(Duration.ofSeconds(9));
            assertThat(cache.match(key("a"), NONE).join()).isPresent();
            clock.advance(Duration.ofSeconds(1));
            assertThat(cache.match(key("a"), NONE).join()).isEmpty();
        }
    }

    @Test
    void a_response_the_policy_refuses_is_not_stored_and_leaves_the_old_entry() {
        try (CacheService cache = CacheService.open(dir, CacheLimits.defaults(), new TestClock())) {
            cache.put(key("a"), NONE, 200, "OK", NONE, bytes("old")).join();
            assertThat(cache.put(key("a"), NONE, 200, "OK", HttpFields.parse("cache-control\0no-store"), bytes("new")).join())
                    .isFalse();
            assertThat(new String(cache.match(key("a"), NONE).join().orElseThrow().body(), StandardCharsets.UTF_8))
                    .isEqualTo("old");
        }
    }

    @Test
    void a_body_over_the_object_limit_is_refused_with_the_limit_in_the_message() {
        try (CacheService cache = CacheService.open(dir, new CacheLimits(1 << 20, 10, 1), new TestClock())) {
            assertThatThrownBy(() -> cache.put(key("a"), NONE, 200, "OK", NONE, new byte[11]).join())
                    .isInstanceOf(CompletionException.class).hasMessageContaining("at most 10 bytes");
            assertThat(cache.match(key("a"), NONE).join()).isEmpty();
        }
    }

    @Test
    void headers_and_vary_values_past_what_a_message_may_carry_are_refused_and_nothing_is_stored() {
        try (CacheService cache = CacheService.open(dir, CacheLimits.defaults(), new TestClock())) {
            String big = "v".repeat(CacheService.MAX_HEADER_BYTES);
            assertThatThrownBy(() -> cache.put(key("h"), NONE, 200, "OK", HttpFields.parse("x-big\0" + big), bytes("x")).join())
                    .isInstanceOf(CompletionException.class).hasMessageContaining("at most " + CacheService.MAX_HEADER_BYTES);
            assertThatThrownBy(() -> cache.put(key("v"), HttpFields.parse("x-big\0" + big), 200, "OK",
                    HttpFields.parse("vary\0x-big"), bytes("x")).join())
                    .isInstanceOf(CompletionException.class).hasMessageContaining("Vary");
            assertThat(cache.totalBytes()).isZero();
            assertThat(cache.put(key("h"), NONE, 200, "OK", HttpFields.parse("x-big\0" + big.substring(1_000)), bytes("x"))
                    .join()).isTrue();
        }
    }

    @Test
    void a_url_longer_than_workers_allow_is_refused_and_nothing_is_stored() {
        try (CacheService cache = CacheService.open(dir, CacheLimits.defaults(), new TestClock())) {
            CacheKey huge = key("a".repeat(CacheService.MAX_URL_BYTES));
            assertThatThrownBy(() -> cache.put(huge, NONE, 200, "OK", NONE, bytes("x")).join())
                    .isInstanceOf(CompletionException.class).hasMessageContaining("URL");
            assertThat(cache.totalBytes()).isZero();
            assertThat(cache.put(key("a".repeat(CacheService.MAX_URL_BYTES - 20)), NONE, 200, "OK", NONE, bytes("x"))
                    .join()).isTrue();
        }
    }

    @Test
    void a_put_past_the_size_cap_evicts_the_least_recently_used_in_the_background() throws Exception {
        TestClock clock = new TestClock();
        // Each entry takes a block for its body, and its row: 4 to 5 KB. The cap holds three; one
        // owner may hold all of it, so no put evicts at once.
        long cap = 16_000;
        try (CacheService cache = CacheService.open(dir, new CacheLimits(cap, 1000, 1, cap), clock)) {
            for (String path : new String[] {"1", "2", "3"}) {
                cache.put(key(path), NONE, 200, "OK", NONE, new byte[1000]).join();
            }
            cache.match(key("1"), NONE).join();
            cache.put(key("4"), NONE, 200, "OK", NONE, new byte[1000]).join();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (cache.totalBytes() > cap && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(cache.totalBytes()).isLessThanOrEqualTo(cap);
            assertThat(cache.match(key("2"), NONE).join()).as("least recently used").isEmpty();
            assertThat(cache.match(key("1"), NONE).join()).isPresent();
            assertThat(cache.match(key("4"), NONE).join()).isPresent();
        }
    }

    @Test
    void an_owner_flooding_the_cache_delays_another_owners_call_by_one_of_its_own_and_cannot_fill_the_queue()
            throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        try (CacheService cache = CacheService.open(dir, new CacheLimits(1 << 30, 1 << 20, 1), new TestClock())) {
            CacheKey quiet = CacheKey.of("worker:tenants/quiet", Optional.empty(), "https://x/kept");
            cache.put(quiet, NONE, 200, "OK", NONE, bytes("kept")).join();
            // From here on every call waits at the gate before it runs: the flood is queued whole.
            cache.timeCallsWith(dev.tenantd.platform.GatedCalls.behind(gate));
            java.util.concurrent.atomic.AtomicInteger floodDone = new java.util.concurrent.atomic.AtomicInteger();
            java.util.List<java.util.concurrent.CompletableFuture<Boolean>> flood = java.util.stream.IntStream.range(0, 1_100)
                    .mapToObj(i -> cache.put(CacheKey.of("worker:tenants/flooder", Optional.empty(), "https://x/" + i), NONE,
                            200, "OK", NONE, bytes("f")).whenComplete((ok, error) -> floodDone.incrementAndGet()))
                    .toList();
            java.util.concurrent.CompletableFuture<Integer> doneBeforeQuiet = cache.match(quiet, NONE).thenApply(found -> {
                assertThat(found).isPresent();
                return floodDone.get();
            });
            long refused = flood.stream().filter(java.util.concurrent.CompletableFuture::isCompletedExceptionally).count();
            assertThat(refused).as("the flooding owner's calls past its line are refused at once").isGreaterThan(500);
            assertThatThrownBy(flood.getLast()::join).hasMessageContaining("The cache is busy");
            gate.countDown();
            assertThat(doneBeforeQuiet.get(30, java.util.concurrent.TimeUnit.SECONDS) - refused).isLessThanOrEqualTo(2);
            java.util.concurrent.CompletableFuture.allOf(flood.stream().map(f -> f.exceptionally(e -> false))
                    .toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        }
    }
}
