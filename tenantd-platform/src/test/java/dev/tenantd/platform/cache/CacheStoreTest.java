package dev.tenantd.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk cache: entries by key, expiry, LRU under the size cap, and what survives a restart. */
class CacheStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static CachedResponse entry(String body, Instant expires) {
        return new CachedResponse(200, "OK", HttpFields.parse("content-type\0text/plain"),
                body.getBytes(StandardCharsets.UTF_8), expires, Map.of());
    }

    private static CacheKey key(String url) {
        return CacheKey.of("account:a", Optional.empty(), url);
    }

    private static String body(Optional<CachedResponse> found) {
        return new String(found.orElseThrow().body(), StandardCharsets.UTF_8);
    }

    @Test
    void the_key_counts_toward_the_size_cap() {
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            String url = "https://x/" + "k".repeat(10_000);
            store.put(key(url), entry("", T0.plusSeconds(60)));
            assertThat(store.totalBytes()).isGreaterThanOrEqualTo(url.length());
        }
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            assertThat(store.totalBytes()).isGreaterThanOrEqualTo(10_000);
        }
    }

    @Test
    void an_entry_that_cannot_be_indexed_leaves_no_body_behind() throws Exception {
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            store.put(key("https://x/a"), entry("kept", T0.plusSeconds(60)));
            // An expiry past what the index can hold (milliseconds in a long) is refused...
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> store.put(key("https://x/a"), entry("too far", Instant.MAX)))
                    .isInstanceOf(ArithmeticException.class);
            // ...and changes nothing: the entry before it stays, and no unindexed body is on disk.
            assertThat(body(store.get(key("https://x/a"), T0))).isEqualTo("kept");
            try (Stream<Path> files = Files.list(dir.resolve("bodies"))) {
                assertThat(files.count()).isEqualTo(1);
            }
        }
    }

    @Test
    void a_body_cut_short_on_disk_is_a_miss_never_served() throws Exception {
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            store.put(key("https://x/a"), entry("the whole body", T0.plusSeconds(60)));
            store.put(key("https://x/b"), entry("another", T0.plusSeconds(60)));
            // as a power cut can leave a body whose index row reached the disk and whose data did not
            Path body;
            try (Stream<Path> files = Files.list(dir.resolve("bodies"))) {
                body = files.filter(f -> {
                    try {
                        return Files.readString(f).equals("the whole body");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).findFirst().orElseThrow();
            }
            Files.writeString(body, "the who");

            assertThat(store.get(key("https://x/a"), T0)).isEmpty();
            assertThat(body(store.get(key("https://x/b"), T0))).isEqualTo("another");
        }
    }

    @Test
    void stores_replaces_and_deletes_entries_by_key() {
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            store.put(key("https://x/a"), entry("one", T0.plusSeconds(60)));
            assertThat(body(store.get(key("https://x/a"), T0))).isEqualTo("one");
            assertThat(store.get(key("https://x/a"), T0).orElseThrow().headers().get("content-type")).contains("text/plain");
            store.put(key("https://x/a"), entry("two", T0.plusSeconds(60)));
            assertThat(body(store.get(key("https://x/a"), T0))).isEqualTo("two");
            assertThat(store.get(key("https://x/b"), T0)).isEmpty();
            assertThat(store.delete(key("https://x/a"), T0)).isTrue();
            assertThat(store.delete(key("https://x/a"), T0)).isFalse();
            assertThat(store.get(key("https://x/a"), T0)).isEmpty();
            assertThat(store.totalBytes()).isZero();
        }
    }

    @Test
    void caches_and_scopes_never_share_entries() {
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            store.put(CacheKey.of("script:a/ns/one", Optional.of("c"), "https://x/"), entry("one", T0.plusSeconds(60)));
            assertThat(store.get(CacheKey.of("script:a/ns/two", Optional.of("c"), "https://x/"), T0)).isEmpty();
            assertThat(store.get(CacheKey.of("script:a/ns/one", Optional.of("other"), "https://x/"), T0)).isEmpty();
            assertThat(store.get(CacheKey.of("script:a/ns/one", Optional.empty(), "https://x/"), T0)).isEmpty();
            assertThat(store.get(CacheKey.of("script:a/ns/one", Optional.of("c"), "https://x/"), T0)).isPresent();
        }
    }

    @Test
    void an_expired_entry_is_a_miss_and_is_removed() {
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            store.put(key("https://x/a"), entry("soon gone", T0.plusSeconds(10)));
            store.put(key("https://x/b"), entry("stays", T0.plusSeconds(100)));
            assertThat(store.get(key("https://x/a"), T0.plusSeconds(9))).isPresent();
            assertThat(store.get(key("https://x/a"), T0.plusSeconds(10))).isEmpty();
            assertThat(store.delete(key("https://x/b"), T0.plusSeconds(100))).as("deleting an expired entry finds nothing")
                    .isFalse();
        }
    }

    @Test
    void eviction_removes_expired_entries_then_the_least_recently_used_until_under_the_cap() throws Exception {
        String kb = "x".repeat(1000);
        long each = CacheStore.cost(key("https://x/1"), entry(kb, T0));
        long cap = each * 3 + each / 2;
        try (CacheStore store = CacheStore.open(dir, cap)) {
            store.put(key("https://x/expired"), entry(kb, T0.plusSeconds(1)));
            store.put(key("https://x/1"), entry(kb, T0.plusSeconds(100)));
            store.put(key("https://x/2"), entry(kb, T0.plusSeconds(100)));
            store.put(key("https://x/3"), entry(kb, T0.plusSeconds(100)));
            assertThat(store.overCap()).isTrue();
            store.get(key("https://x/1"), T0.plusSeconds(2));
            assertThat(store.evict(T0.plusSeconds(2))).isEqualTo(1);
            assertThat(store.overCap()).isFalse();
            store.put(key("https://x/4"), entry(kb, T0.plusSeconds(100)));
            assertThat(store.evict(T0.plusSeconds(2))).isEqualTo(1);
            assertThat(store.get(key("https://x/2"), T0.plusSeconds(2))).as("least recently used").isEmpty();
            assertThat(store.get(key("https://x/1"), T0.plusSeconds(2))).as("read recently").isPresent();
            assertThat(store.get(key("https://x/3"), T0.plusSeconds(2))).isPresent();
            assertThat(store.get(key("https://x/4"), T0.plusSeconds(2))).isPresent();
            assertThat(store.totalBytes()).isLessThanOrEqualTo(cap);
        }
        try (Stream<Path> files = Files.list(dir.resolve("bodies"))) {
            assertThat(files.count()).as("evicted bodies are deleted").isEqualTo(3);
        }
    }

    @Test
    void entries_survive_a_restart_and_leftover_body_files_are_removed() throws Exception {
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            store.put(key("https://x/kept"), entry("kept", T0.plusSeconds(60)));
        }
        Files.writeString(dir.resolve("bodies").resolve("0123abcd.tmp"), "half-written");
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            assertThat(body(store.get(key("https://x/kept"), T0))).isEqualTo("kept");
            assertThat(store.totalBytes()).isPositive();
        }
        try (Stream<Path> files = Files.list(dir.resolve("bodies"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(1).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void vary_values_and_headers_round_trip() {
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            CachedResponse e = new CachedResponse(404, "Not Found", HttpFields.parse("a\0one\0set-thing\0x, y"),
                    new byte[0], T0.plusSeconds(5), Map.of("accept-language", "de"));
            store.put(key("https://x/v"), e);
            CachedResponse back = store.get(key("https://x/v"), T0).orElseThrow();
            assertThat(back.status()).isEqualTo(404);
            assertThat(back.statusText()).isEqualTo("Not Found");
            assertThat(back.vary()).isEqualTo(Map.of("accept-language", "de"));
            assertThat(back.headers().list()).extracting(HttpFields.Header::name).isEqualTo(List.of("a", "set-thing"));
        }
    }

    @Test
    void a_full_cache_takes_an_owner_past_its_share_from_its_own_oldest_entries_and_no_one_elses() {
        CacheKey quiet = CacheKey.of("worker:tenants/quiet", Optional.empty(), "https://x/kept");
        CacheKey older = CacheKey.of("worker:tenants/older", Optional.empty(), "https://x/kept");
        String flooder = "worker:tenants/flooder";
        long each = CacheStore.cost(quiet, entry("q".repeat(1_000), T0));
        long flooderBytes;
        try (CacheStore store = CacheStore.open(dir, each * 10, each * 3)) {
            store.put(older, entry("o".repeat(1_000), T0.plusSeconds(60)));
            store.put(quiet, entry("q".repeat(1_000), T0.plusSeconds(60)));
            for (int i = 0; i < 30; i++) {
                store.put(CacheKey.of(flooder, Optional.empty(), "https://x/" + i), entry("f".repeat(1_000), T0.plusSeconds(60)));
                assertThat(store.overCap()).as("put " + i).isFalse();
            }
            // A whole cache's worth was put, and the entries least recently used of all, the
            // other owners', are kept: the flooder lost its own oldest.
            assertThat(store.evict(T0)).isZero();
            assertThat(body(store.get(older, T0))).isEqualTo("o".repeat(1_000));
            assertThat(body(store.get(quiet, T0))).isEqualTo("q".repeat(1_000));
            assertThat(store.get(CacheKey.of(flooder, Optional.empty(), "https://x/29"), T0)).isPresent();
            assertThat(store.get(CacheKey.of(flooder, Optional.empty(), "https://x/0"), T0)).isEmpty();
            flooderBytes = store.ownerBytes(flooder);
            assertThat(store.totalBytes()).isEqualTo(flooderBytes + store.ownerBytes("worker:tenants/quiet")
                    + store.ownerBytes("worker:tenants/older"));
        }
        try (CacheStore store = CacheStore.open(dir, each * 10, each * 3)) {
            assertThat(store.ownerBytes(flooder)).isEqualTo(flooderBytes);
        }
    }

    @Test
    void one_owner_may_use_the_whole_cache_while_it_has_room() {
        long each = CacheStore.cost(key("https://x/0"), entry("a".repeat(1_000), T0));
        try (CacheStore store = CacheStore.open(dir, each * 10, each * 3)) {
            for (int i = 0; i < 8; i++) {
                store.put(key("https://x/" + i), entry("a".repeat(1_000), T0.plusSeconds(60)));
            }
            assertThat(store.ownerBytes("account:a")).isEqualTo(each * 8);
            assertThat(store.get(key("https://x/0"), T0)).isPresent();
        }
    }

    @Test
    void tiny_entries_count_a_whole_block_and_their_row_so_a_flood_of_them_stays_small() throws Exception {
        CacheKey quiet = CacheKey.of("worker:tenants/quiet", Optional.empty(), "https://x/kept");
        String flooder = "worker:tenants/flooder";
        long cap = 100_000;
        long least = CacheStore.BLOCK_BYTES + CacheStore.ENTRY_OVERHEAD_BYTES;
        try (CacheStore store = CacheStore.open(dir, cap, cap / 2)) {
            store.put(quiet, entry("q", T0.plusSeconds(60)));
            int live = 0;
            for (int i = 0; i < 1_000; i++) {
                store.put(CacheKey.of(flooder, Optional.empty(), "https://x/" + i), entry("f", T0.plusSeconds(60)));
            }
            for (int i = 0; i < 1_000; i++) {
                live += store.get(CacheKey.of(flooder, Optional.empty(), "https://x/" + i), T0).isPresent() ? 1 : 0;
            }
            // Counted by its bytes alone (about a hundred), each would let a thousand fit.
            assertThat(live).isPositive().isLessThanOrEqualTo((int) (cap / least));
            assertThat(store.get(quiet, T0)).isPresent();
            assertThat(store.totalBytes()).isLessThanOrEqualTo(cap);
        }
        try (Stream<Path> files = Files.list(dir.resolve("bodies"))) {
            assertThat(files.count()).as("evicted bodies are deleted").isLessThanOrEqualTo(cap / least + 1);
        }
    }

    @Test
    void an_owner_keeps_the_entry_it_just_put_even_when_that_entry_alone_passes_its_share() {
        CacheKey quiet = CacheKey.of("worker:tenants/quiet", Optional.empty(), "https://x/kept");
        CacheKey large = CacheKey.of("worker:tenants/large", Optional.empty(), "https://x/large");
        long quietCost = CacheStore.cost(quiet, entry("q".repeat(4_000), T0));
        long largeCost = CacheStore.cost(large, entry("l".repeat(9_000), T0));
        try (CacheStore store = CacheStore.open(dir, largeCost + quietCost / 2, largeCost - 1)) {
            store.put(quiet, entry("q".repeat(4_000), T0.plusSeconds(60)));
            store.put(large, entry("l".repeat(9_000), T0.plusSeconds(60)));
            assertThat(store.get(large, T0)).as("the entry just put").isPresent();
            // The cache is over its cap: the least recently used of all goes.
            assertThat(store.evict(T0)).isEqualTo(1);
            assertThat(store.get(quiet, T0)).isEmpty();
            assertThat(body(store.get(large, T0))).hasSize(9_000);
        }
    }

    @Test
    void a_large_eviction_goes_in_batches_and_lets_other_callers_in_between_them() throws Exception {
        CacheKey quiet = CacheKey.of("worker:tenants/quiet", Optional.empty(), "https://x/kept");
        String flooder = "worker:tenants/flooder";
        long tiny = CacheStore.cost(CacheKey.of(flooder, Optional.empty(), "https://x/100"), entry("f", T0));
        int count = 700;
        try (CacheStore store = CacheStore.open(dir, tiny * (count + 10), tiny * 100)) {
            store.put(quiet, entry("q", T0.plusSeconds(60)));
            for (int i = 100; i < 100 + count; i++) {
                store.put(CacheKey.of(flooder, Optional.empty(), "https://x/" + i), entry("f", T0.plusSeconds(60)));
            }
            List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Boolean> quietFound = new java.util.concurrent.CopyOnWriteArrayList<>();
            store.betweenEvictionBatches(n -> {
                batches.add(n);
                if (quietFound.isEmpty()) {
                    // Another caller's get, while the put's eviction is half done: it would wait
                    // for the whole eviction if the lock were held across batches.
                    try {
                        quietFound.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> store.get(quiet, T0).isPresent())
                                .get(30, java.util.concurrent.TimeUnit.SECONDS));
                    } catch (Exception e) {
                        throw new AssertionError("a get waited on an eviction batch that had ended", e);
                    }
                }
            });
            // One large entry: the flooder, far past its share, loses its oldest at once, one
            // batch of them; the background eviction takes the rest.
            store.put(CacheKey.of(flooder, Optional.empty(), "https://x/large"),
                    entry("L".repeat((int) tiny * (count / 2)), T0.plusSeconds(60)));
            assertThat(batches).containsExactly(CacheStore.EVICTION_BATCH);
            assertThat(store.overCap()).isTrue();
            assertThat(store.evict(T0)).isGreaterThan(0);
            assertThat(quietFound).containsExactly(true);
            assertThat(batches).hasSizeGreaterThanOrEqualTo(2).allMatch(n -> n > 0 && n <= CacheStore.EVICTION_BATCH);
            assertThat(store.totalBytes()).isLessThanOrEqualTo(tiny * (count + 10));
            assertThat(store.get(quiet, T0)).isPresent();
        }
    }

    @Test
    void an_empty_body_counts_a_block_as_a_body_of_one_byte_does() {
        assertThat(CacheStore.cost(key("https://x/a"), entry("", T0))).isEqualTo(CacheStore.cost(key("https://x/a"), entry("a", T0)))
                .isGreaterThan(CacheStore.BLOCK_BYTES + CacheStore.ENTRY_OVERHEAD_BYTES);
        assertThat(CacheStore.cost(key("https://x/a"), entry("a".repeat(CacheStore.BLOCK_BYTES + 1), T0)))
                .isEqualTo(CacheStore.cost(key("https://x/a"), entry("a", T0)) + CacheStore.BLOCK_BYTES);
    }

    @Test
    void entries_stored_before_blocks_and_rows_were_counted_are_counted_again_once() throws Exception {
        CacheKey k = key("https://x/a");
        try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
            store.put(k, entry("old", T0.plusSeconds(60)));
        }
        String index = "jdbc:sqlite:" + dir.resolve("index.sqlite").toAbsolutePath();
        try (var db = java.sql.DriverManager.getConnection(index); var s = db.createStatement()) {
            s.execute("UPDATE entries SET size = 100"); // as an older server counted it
            s.execute("PRAGMA user_version = 0");
        }
        long recounted = 100 + CacheStore.BLOCK_BYTES + CacheStore.ENTRY_OVERHEAD_BYTES + k.url().length() + k.cache().length()
                + 3L * k.scope().length();
        for (int open = 0; open < 2; open++) {
            try (CacheStore store = CacheStore.open(dir, 1 << 20)) {
                assertThat(store.totalBytes()).as("open " + open).isEqualTo(recounted);
                assertThat(body(store.get(k, T0))).isEqualTo("old");
            }
        }
    }
}
