package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.kv.KvNamespace;
import dev.tenantd.platform.kv.KvWrite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a namespace of many keys, or purging many expired ones, goes in batches of
 * transactions of their own: another tenant's write gets the writer in between instead of
 * waiting for all of it, and every namespace's size stays counted right.
 */
class SqliteKvStoreBatchesTest {
    @TempDir
    Path dir;

    private static List<KvWrite> writes(String prefix, int count, OptionalLong expiration) {
        List<KvWrite> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(new KvWrite(prefix + i, "value".getBytes(StandardCharsets.UTF_8), Optional.empty(), expiration));
        }
        return writes;
    }

    /** Between two batches, a write to another namespace goes through at once (with one transaction it would wait). */
    private static Runnable otherWritesGetThrough(SqliteKvStore store, AtomicInteger batches) {
        return () -> {
            batches.incrementAndGet();
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> store.put("other",
                    writes("between-" + batches.get() + "-", 1, OptionalLong.empty()), Long.MAX_VALUE));
            assertThat(other).succeedsWithin(30, TimeUnit.SECONDS);
        };
    }

    @Test
    void expired_keys_are_purged_in_batches_and_sizes_stay_right() {
        try (SqliteKvStore store = SqliteKvStore.open(dir, 2)) {
            store.createNamespace(new KvNamespace("expiring", "a", "expiring"));
            store.createNamespace(new KvNamespace("other", "a", "other"));
            store.put("expiring", writes("gone-", 2 * SqliteKvStore.BATCH + 500, OptionalLong.of(100)), Long.MAX_VALUE);
            store.put("expiring", writes("kept-", 10, OptionalLong.empty()), Long.MAX_VALUE);
            long all = store.namespaceBytes("expiring");
            AtomicInteger batches = new AtomicInteger();
            store.betweenBatches(otherWritesGetThrough(store, batches));

            assertThat(store.purgeExpired(200)).isEqualTo(2 * SqliteKvStore.BATCH + 500);
            assertThat(batches.get()).isEqualTo(2);
            assertThat(store.list("expiring", "", Optional.empty(), 100, 200)).hasSize(10);
            assertThat(store.namespaceBytes("expiring")).isLessThan(all).isEqualTo(bytesOf(store, "expiring"));
            assertThat(store.namespaceBytes("other")).isEqualTo(bytesOf(store, "other"));
        }
    }

    @Test
    void a_namespace_of_many_keys_is_deleted_in_batches() {
        try (SqliteKvStore store = SqliteKvStore.open(dir, 2)) {
            store.createNamespace(new KvNamespace("large", "a", "large"));
            store.createNamespace(new KvNamespace("other", "a", "other"));
            store.put("large", writes("k-", 2 * SqliteKvStore.BATCH + 1, OptionalLong.empty()), Long.MAX_VALUE);
            AtomicInteger batches = new AtomicInteger();
            store.betweenBatches(otherWritesGetThrough(store, batches));

            assertThat(store.deleteNamespace("a", "large")).isTrue();
            assertThat(batches.get()).isEqualTo(2);
            assertThat(store.namespace("a", "large")).isEmpty();
            assertThat(store.get("large", "k-0", 0)).isEmpty();
            assertThat(store.list("other", "", Optional.empty(), 100, 0)).hasSize(2);
            assertThat(store.deleteNamespace("a", "large")).isFalse();
        }
    }

    /** What a namespace's entries take, counted afresh. */
    private static long bytesOf(SqliteKvStore store, String namespace) {
        return store.recountedBytes(namespace);
    }
}
