package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.platform.kv.KvException;
import dev.tenantd.platform.kv.KvExpiry;
import dev.tenantd.platform.kv.KvKey;
import dev.tenantd.platform.kv.KvProblem;
import dev.tenantd.platform.kv.KvService;
import dev.tenantd.platform.kv.KvStore;
import dev.tenantd.platform.kv.KvWrite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KV's rules in the service, over a real SQLite store and a clock the test moves. */
class KvServiceTest {
    private static final long START = 1_800_000_000L;

    /** A clock that stands still until the test moves it. */
    static final class TestClock extends Clock {
        final AtomicLong seconds = new AtomicLong(START);

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.get());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path dir;
    TestClock clock = new TestClock();
    KvService kv;
    String ns;

    @BeforeEach
    void open() {
        kv = KvService.create(SqliteKvStore.open(dir, 2), clock, 2);
        ns = kv.createNamespace("acct", "test").join().id();
    }

    @AfterEach
    void close() {
        kv.close();
    }

    private void put(String key, String value, KvExpiry expiry) {
        kv.put("acct", ns, List.of(kv.write(key, value.getBytes(StandardCharsets.UTF_8), expiry, Optional.empty()))).join();
    }

    private static void refusedWith(CompletableFuture<?> future, KvProblem problem, String message) {
        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(KvException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    private static void refusedWith(Runnable call, KvProblem problem, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KvException.class, e -> {
            assertThat(e.problem()).isEqualTo(problem);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void an_entry_with_a_ttl_is_there_until_its_expiration_and_then_gone_everywhere() {
        put("session", "s", new KvExpiry.Ttl(60));
        put("forever", "f", KvExpiry.NEVER);
        assertThat(kv.get("acct", ns, "session").join().orElseThrow().expiration()).hasValue(START + 60);
        clock.seconds.set(START + 59);
        assertThat(kv.get("acct", ns, "session").join()).isPresent();
        clock.seconds.set(START + 60);
        assertThat(kv.get("acct", ns, "session").join()).isEmpty();
        assertThat(kv.getMany("acct", ns, List.of("session", "forever")).join().get("session")).isEmpty();
        assertThat(kv.list("acct", ns, "", 10, Optional.empty()).join().keys()).extracting(KvKey::name).containsExactly("forever");
        assertThat(kv.purgeExpired().join()).isEqualTo(1);
        clock.seconds.set(START);
        assertThat(kv.get("acct", ns, "session").join()).as("purged for good, even with the clock turned back").isEmpty();
    }

    @Test
    void an_absolute_expiration_must_be_at_least_a_minute_away() {
        put("exact", "v", new KvExpiry.At(START + 60));
        refusedWith(() -> kv.write("k", new byte[0], new KvExpiry.At(START + 59), Optional.empty()),
                KvProblem.INVALID_EXPIRATION, "Invalid expiration of " + (START + 59) + ". Expiration times must be at least 60 seconds");
        refusedWith(() -> kv.write("k", new byte[0], new KvExpiry.At(START), Optional.empty()),
                KvProblem.INVALID_EXPIRATION, "greater than the current number of seconds since the UNIX epoch");
        refusedWith(() -> kv.write("k", new byte[0], new KvExpiry.Ttl(0), Optional.empty()),
                KvProblem.INVALID_EXPIRATION_TTL, "Invalid expiration_ttl of 0. Please specify integer greater than 0.");
        refusedWith(() -> kv.write("k", new byte[0], new KvExpiry.Ttl(59), Optional.empty()),
                KvProblem.INVALID_EXPIRATION_TTL, "Expiration TTL must be at least 60.");
        refusedWith(() -> KvExpiry.fromStrings(Optional.empty(), Optional.of("1e3")), KvProblem.INVALID_EXPIRATION_TTL,
                "Invalid expiration_ttl of 1e3");
        assertThat(KvExpiry.fromStrings(Optional.of("100"), Optional.of("120"))).isEqualTo(new KvExpiry.Ttl(120));
    }

    @Test
    void keys_metadata_and_values_are_held_to_kv_limits() {
        assertThat(kv.write("k".repeat(512), new byte[0], KvExpiry.NEVER, Optional.empty()).key()).hasSize(512);
        refusedWith(() -> kv.write("k".repeat(513), new byte[0], KvExpiry.NEVER, Optional.empty()), KvProblem.KEY_TOO_LONG,
                "UTF-8 encoded length of 513 exceeds key length limit of 512.");
        refusedWith(() -> kv.write("", new byte[0], KvExpiry.NEVER, Optional.empty()), KvProblem.INVALID_KEY, "must not be empty");
        refusedWith(() -> kv.write("..", new byte[0], KvExpiry.NEVER, Optional.empty()), KvProblem.INVALID_KEY, "Illegal key name");
        // A lone surrogate would be stored as '?', the name of another key.
        refusedWith(() -> kv.write("a\ud800", new byte[0], KvExpiry.NEVER, Optional.empty()), KvProblem.INVALID_KEY,
                "lone surrogate");
        refusedWith(() -> kv.write("\udc00b", new byte[0], KvExpiry.NEVER, Optional.empty()), KvProblem.INVALID_KEY,
                "lone surrogate");
        assertThat(kv.write("emoji \ud83d\ude00", new byte[0], KvExpiry.NEVER, Optional.empty()).key())
                .as("a pair is a character").isEqualTo("emoji \ud83d\ude00");
        refusedWith(() -> kv.write("k", new byte[25 * 1024 * 1024 + 1], KvExpiry.NEVER, Optional.empty()),
                KvProblem.VALUE_TOO_LARGE, "Value length of 26214401 exceeds limit of 26214400.");
        refusedWith(() -> kv.write("k", new byte[0], KvExpiry.NEVER, Optional.of("{\"a\":")), KvProblem.INVALID_METADATA,
                "not valid JSON");
        String big = "[\"" + "x".repeat(1021) + "\"]";
        refusedWith(() -> kv.write("k", new byte[0], KvExpiry.NEVER, Optional.of(big)), KvProblem.METADATA_TOO_LARGE,
                "Metadata length of 1025 exceeds limit of 1024.");
        KvWrite spaced = kv.write("k", new byte[0], KvExpiry.NEVER, Optional.of("{ \"a\" :  [1, 2] }"));
        assertThat(spaced.metadata()).as("metadata is measured and kept as serialized JSON").contains("{\"a\":[1,2]}");
    }

    @Test
    void refusals_of_asynchronous_calls_are_failed_futures() {
        refusedWith(kv.get("acct", ns, ""), KvProblem.INVALID_KEY, "empty");
        refusedWith(kv.get("acct", ns, "k".repeat(600)), KvProblem.KEY_TOO_LONG, "600");
        refusedWith(kv.get("acct", "missing", "k"), KvProblem.NAMESPACE_NOT_FOUND, "namespace not found");
        refusedWith(kv.get("other-account", ns, "k"), KvProblem.NAMESPACE_NOT_FOUND, "namespace not found");
        refusedWith(kv.getMany("acct", ns, IntStream.range(0, 101).mapToObj(i -> "k" + i).toList()), KvProblem.TOO_MANY_KEYS,
                "You can request a maximum of 100 keys.");
        refusedWith(kv.list("acct", ns, "", 0, Optional.empty()), KvProblem.INVALID_LIMIT, "greater than 0");
        refusedWith(kv.list("acct", ns, "", 1001, Optional.empty()), KvProblem.INVALID_LIMIT, "1000");
        refusedWith(kv.list("acct", ns, "", 10, Optional.of("not base64 !")), KvProblem.INVALID_CURSOR, "cursor");
        refusedWith(kv.list("acct", ns, "p".repeat(513), 10, Optional.empty()), KvProblem.KEY_TOO_LONG, "513");
        refusedWith(kv.createNamespace("acct", "test"), KvProblem.TITLE_EXISTS, "already exists");
        refusedWith(kv.createNamespace("acct", " "), KvProblem.INVALID_TITLE, "empty");
        refusedWith(kv.renameNamespace("acct", "missing", "x"), KvProblem.NAMESPACE_NOT_FOUND, "missing");
        refusedWith(kv.deleteNamespace("other-account", ns), KvProblem.NAMESPACE_NOT_FOUND, "namespace not found");
    }

    @Test
    void several_keys_at_once_may_bring_at_most_25_mib_of_values() {
        byte[] half = new byte[13 * 1024 * 1024];
        kv.put("acct", ns, List.of(kv.write("a", half, KvExpiry.NEVER, Optional.empty()),
                kv.write("b", half, KvExpiry.NEVER, Optional.empty()), kv.write("c", new byte[10], KvExpiry.NEVER, Optional.empty())))
                .join();
        assertThat(kv.getMany("acct", ns, List.of("a", "c", "missing")).join()).hasSize(3);
        refusedWith(kv.getMany("acct", ns, List.of("a", "b")), KvProblem.VALUE_TOO_LARGE,
                "Total size of request exceeds the limit of 25MB");
    }

    @Test
    void a_listing_pages_with_cursors_until_it_is_complete() {
        kv.put("acct", ns, IntStream.range(0, 7).mapToObj(i -> kv.write("k" + i, new byte[] {(byte) i}, KvExpiry.NEVER,
                Optional.empty())).toList()).join();
        var first = kv.list("acct", ns, "k", 3, Optional.empty()).join();
        assertThat(first.keys()).extracting(KvKey::name).containsExactly("k0", "k1", "k2");
        assertThat(first.listComplete()).isFalse();
        var second = kv.list("acct", ns, "k", 3, first.cursor()).join();
        assertThat(second.keys()).extracting(KvKey::name).containsExactly("k3", "k4", "k5");
        var third = kv.list("acct", ns, "k", 3, second.cursor()).join();
        assertThat(third.keys()).extracting(KvKey::name).containsExactly("k6");
        assertThat(third.listComplete()).isTrue();
        var exact = kv.list("acct", ns, "k", 7, Optional.empty()).join();
        assertThat(exact.listComplete()).as("a page that ends exactly at the last key is complete").isTrue();
    }

    @Test
    void store_calls_run_on_the_kv_executor_and_never_on_the_callers_thread() {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        KvStore real = SqliteKvStore.open(dir.resolve("recorded"), 1);
        KvStore recording = (KvStore) java.lang.reflect.Proxy.newProxyInstance(KvStore.class.getClassLoader(),
                new Class<?>[] {KvStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("close")) {
                        threads.add(Thread.currentThread().getName());
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (KvService service = KvService.create(recording, clock, 2)) {
            String id = service.createNamespace("acct", "x").join().id();
            service.put("acct", id, List.of(service.write("k", new byte[] {1}, KvExpiry.NEVER, Optional.empty()))).join();
            service.get("acct", id, "k").join();
            service.list("acct", id, "", 10, Optional.empty()).join();
        }
        assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("tenantd-kv-"));
    }

    @Test
    void a_namespace_flooding_kv_delays_another_namespaces_call_by_one_of_its_own_and_cannot_fill_the_queue()
            throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        // One thread: which calls ran before the quiet one is then the queue's order alone.
        try (KvService service = KvService.create(SqliteKvStore.open(dir.resolve("fair"), 2), clock, 1)) {
            String flooded = service.createNamespace("acct", "flooded").join().id();
            String quiet = service.createNamespace("acct", "quiet").join().id();
            service.put("acct", quiet, List.of(service.write("k", new byte[] {7}, KvExpiry.NEVER, Optional.empty()))).join();
            // From here on every call waits at the gate before it runs: the flood is queued whole.
            service.timeCallsWith(dev.tenantd.platform.GatedCalls.behind(gate));
            java.util.concurrent.atomic.AtomicInteger floodDone = new java.util.concurrent.atomic.AtomicInteger();
            List<CompletableFuture<Void>> flood = IntStream.range(0, 1_100).mapToObj(i -> service.put("acct", flooded,
                    List.of(service.write("k" + i, new byte[] {1}, KvExpiry.NEVER, Optional.empty())))
                    .whenComplete((ok, error) -> floodDone.incrementAndGet())).toList();
            CompletableFuture<Integer> doneBeforeQuiet = service.get("acct", quiet, "k").thenApply(found -> {
                assertThat(found).isPresent();
                return floodDone.get();
            });
            long refused = flood.stream().filter(f -> f.isCompletedExceptionally()).count();
            assertThat(refused).as("the flooding namespace's calls past its line are refused at once").isGreaterThan(500);
            refusedWith(flood.getLast(), KvProblem.OVERLOADED, "KV is busy");
            gate.countDown();
            // Refused calls completed at once; of those that ran, at most a few came before the quiet one.
            assertThat(doneBeforeQuiet.get(30, java.util.concurrent.TimeUnit.SECONDS) - refused).isLessThanOrEqualTo(2);
            CompletableFuture.allOf(flood.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new)).join();
        }
    }
}
