package dev.tenantd.platform.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link KvStore} must do. A store implementation's test extends this class
 * and says how to open its store in a directory; opening it again on the same directory
 * must find what was written before.
 */
public abstract class KvStoreContract {
    @TempDir
    protected Path dir;
    protected KvStore store;

    /** Opens the store under test on {@code dir} (a second call opens it again on the same data). */
    protected abstract KvStore open(Path dir);

    @BeforeEach
    void openStore() {
        store = open(dir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static KvWrite write(String key, String value) {
        return new KvWrite(key, value.getBytes(StandardCharsets.UTF_8), Optional.empty(), OptionalLong.empty());
    }

    /** Writes with no size limit. */
    private void put(String namespaceId, List<KvWrite> writes) {
        store.put(namespaceId, writes, Long.MAX_VALUE);
    }

    private static String text(KvEntry e) {
        return new String(e.value(), StandardCharsets.UTF_8);
    }

    private KvNamespace namespace(String account, String id, String title) {
        return store.createNamespace(new KvNamespace(id, account, title));
    }

    private List<String> names(List<KvKey> keys) {
        return keys.stream().map(KvKey::name).toList();
    }

    @Test
    void namespaces_are_listed_by_title_and_only_to_their_account() {
        namespace("a", "n2", "zeta");
        namespace("a", "n1", "alpha");
        namespace("b", "n3", "alpha");
        assertThat(store.namespaces("a")).extracting(KvNamespace::title).containsExactly("alpha", "zeta");
        assertThat(store.namespaces("b")).containsExactly(new KvNamespace("n3", "b", "alpha"));
        assertThat(store.namespace("a", "n1")).contains(new KvNamespace("n1", "a", "alpha"));
        assertThat(store.namespace("b", "n1")).isEmpty();
        assertThat(store.namespaces("nobody")).isEmpty();
    }

    @Test
    void a_title_is_unique_within_an_account() {
        namespace("a", "n1", "alpha");
        namespace("a", "n2", "beta");
        assertThatThrownBy(() -> namespace("a", "n3", "alpha"))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.problem()).isEqualTo(KvProblem.TITLE_EXISTS));
        assertThatThrownBy(() -> store.renameNamespace("a", "n2", "alpha"))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.problem()).isEqualTo(KvProblem.TITLE_EXISTS));
        assertThat(store.namespaces("a")).extracting(KvNamespace::title).containsExactly("alpha", "beta");
    }

    @Test
    void a_namespace_is_renamed_and_deleted_only_by_its_account() {
        namespace("a", "n1", "alpha");
        assertThat(store.renameNamespace("b", "n1", "stolen")).isEmpty();
        assertThat(store.deleteNamespace("b", "n1")).isFalse();
        assertThat(store.renameNamespace("a", "n1", "renamed")).contains(new KvNamespace("n1", "a", "renamed"));
        assertThat(store.renameNamespace("a", "missing", "x")).isEmpty();
        assertThat(store.deleteNamespace("a", "n1")).isTrue();
        assertThat(store.deleteNamespace("a", "n1")).isFalse();
        assertThat(store.namespaces("a")).isEmpty();
    }

    @Test
    void deleting_a_namespace_deletes_its_entries() {
        namespace("a", "n1", "one");
        put("n1", List.of(write("k", "v")));
        store.deleteNamespace("a", "n1");
        namespace("a", "n1", "one again");
        assertThat(store.get("n1", "k", 0)).isEmpty();
        assertThat(store.list("n1", "", Optional.empty(), 10, 0)).isEmpty();
    }

    @Test
    void values_metadata_and_expiration_round_trip_and_a_later_write_replaces_all_three() {
        namespace("a", "n1", "one");
        byte[] binary = {0, (byte) 0xff, 10, 0};
        put("n1", List.of(new KvWrite("k", binary, Optional.of("{\"x\":1}"), OptionalLong.of(2_000))));
        KvEntry entry = store.get("n1", "k", 1_000).orElseThrow();
        assertThat(entry.value()).containsExactly(binary);
        assertThat(entry.metadata()).contains("{\"x\":1}");
        assertThat(entry.expiration()).hasValue(2_000);

        put("n1", List.of(write("k", "")));
        KvEntry replaced = store.get("n1", "k", 1_000).orElseThrow();
        assertThat(replaced.value()).isEmpty();
        assertThat(replaced.metadata()).isEmpty();
        assertThat(replaced.expiration()).isEmpty();
    }

    @Test
    void entries_are_kept_per_namespace() {
        namespace("a", "n1", "one");
        namespace("a", "n2", "two");
        put("n1", List.of(write("k", "in one")));
        put("n2", List.of(write("k", "in two")));
        assertThat(text(store.get("n1", "k", 0).orElseThrow())).isEqualTo("in one");
        assertThat(text(store.get("n2", "k", 0).orElseThrow())).isEqualTo("in two");
    }

    @Test
    void a_write_to_a_missing_namespace_is_refused_and_stores_nothing() {
        assertThatThrownBy(() -> put("missing", List.of(write("k", "v"))))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.problem()).isEqualTo(KvProblem.NAMESPACE_NOT_FOUND));
        assertThat(store.get("missing", "k", 0)).isEmpty();
    }

    @Test
    void a_batch_is_written_whole_and_its_last_write_of_a_key_wins() {
        namespace("a", "n1", "one");
        put("n1", List.of(write("a", "1"), write("b", "2"), write("a", "3")));
        assertThat(text(store.get("n1", "a", 0).orElseThrow())).isEqualTo("3");
        assertThat(text(store.get("n1", "b", 0).orElseThrow())).isEqualTo("2");
    }

    @Test
    void an_entry_is_gone_from_get_and_list_at_its_expiration_and_purged_after() {
        namespace("a", "n1", "one");
        put("n1", List.of(new KvWrite("soon", new byte[] {1}, Optional.empty(), OptionalLong.of(100)), write("kept", "v")));
        assertThat(store.get("n1", "soon", 99)).isPresent();
        assertThat(names(store.list("n1", "", Optional.empty(), 10, 99))).containsExactly("kept", "soon");
        assertThat(store.get("n1", "soon", 100)).isEmpty();
        assertThat(names(store.list("n1", "", Optional.empty(), 10, 100))).containsExactly("kept");
        assertThat(store.purgeExpired(100)).isEqualTo(1);
        assertThat(store.get("n1", "soon", 0)).isEmpty();
        assertThat(store.get("n1", "kept", 100)).isPresent();
    }

    @Test
    void keys_are_listed_in_the_byte_order_of_their_utf8_form() {
        namespace("a", "n1", "one");
        // UTF-16 order would put the emoji (a surrogate pair) before U+FFFD; UTF-8 order puts it after.
        List<String> keys = List.of("b", "a", "\uFFFD", "\uD83D\uDE00", "é", "A");
        put("n1", keys.stream().map(k -> write(k, k)).toList());
        assertThat(names(store.list("n1", "", Optional.empty(), 10, 0)))
                .containsExactly("A", "a", "b", "é", "\uFFFD", "\uD83D\uDE00");
    }

    @Test
    void a_listing_honours_prefix_limit_and_start_after() {
        namespace("a", "n1", "one");
        put("n1", IntStream.range(0, 10).mapToObj(i -> write("user:" + i, "v")).toList());
        put("n1", List.of(write("user", "v"), write("users:x", "v"), write("other", "v"), write("usea", "v")));
        assertThat(names(store.list("n1", "user:", Optional.empty(), 3, 0))).containsExactly("user:0", "user:1", "user:2");
        assertThat(names(store.list("n1", "user:", Optional.of("user:2"), 3, 0))).containsExactly("user:3", "user:4", "user:5");
        assertThat(names(store.list("n1", "user:", Optional.of("user:8"), 5, 0))).containsExactly("user:9");
        assertThat(names(store.list("n1", "user:", Optional.of("a"), 1, 0))).containsExactly("user:0");
        assertThat(names(store.list("n1", "user:", Optional.of("zzz"), 5, 0))).isEmpty();
        assertThat(names(store.list("n1", "nothing", Optional.empty(), 5, 0))).isEmpty();
    }

    @Test
    void keys_and_prefixes_with_nul_and_sql_wildcards_are_matched_literally() {
        namespace("a", "n1", "one");
        put("n1", List.of(write("a\u0000b", "nul"), write("a\u0000c", "nul2"), write("a", "plain"), write("%_", "w"),
                write("%x", "w")));
        assertThat(text(store.get("n1", "a\u0000b", 0).orElseThrow())).isEqualTo("nul");
        assertThat(names(store.list("n1", "a\u0000", Optional.empty(), 10, 0))).containsExactly("a\u0000b", "a\u0000c");
        assertThat(names(store.list("n1", "%_", Optional.empty(), 10, 0))).containsExactly("%_");
        assertThat(store.get("n1", "%", 0)).isEmpty();
    }

    @Test
    void a_prefix_ends_where_its_last_character_goes_one_higher() {
        namespace("a", "n1", "one");
        // "é" is C3 A9 in UTF-8 and "ê" C3 AA; U+10FFFF ends in BF, "\u007f" is 7F.
        put("n1", List.of(write("é", "1"), write("éa", "2"), write("ê", "3"), write("e\u007f", "4"), write("f", "5"),
                write("\udbff\udfff", "6"), write("\udbff\udfffz", "7")));
        assertThat(names(store.list("n1", "é", Optional.empty(), 10, 0))).containsExactly("é", "éa");
        assertThat(names(store.list("n1", "e", Optional.empty(), 10, 0))).containsExactly("e\u007f");
        assertThat(names(store.list("n1", "e\u007f", Optional.empty(), 10, 0))).containsExactly("e\u007f");
        assertThat(names(store.list("n1", "\udbff\udfff", Optional.empty(), 10, 0)))
                .containsExactly("\udbff\udfff", "\udbff\udfffz");
        assertThat(names(store.list("n1", "é", Optional.of("é"), 10, 0))).containsExactly("éa");
    }

    @Test
    void list_shows_metadata_and_expiration_without_values() {
        namespace("a", "n1", "one");
        put("n1", List.of(new KvWrite("k", new byte[] {1}, Optional.of("[1]"), OptionalLong.of(500))));
        assertThat(store.list("n1", "", Optional.empty(), 10, 0))
                .containsExactly(new KvKey("k", Optional.of("[1]"), OptionalLong.of(500)));
    }

    @Test
    void delete_removes_the_keys_that_exist_and_counts_them() {
        namespace("a", "n1", "one");
        put("n1", List.of(write("a", "1"), write("b", "2"), write("c", "3")));
        assertThat(store.delete("n1", List.of("a", "c", "missing"))).isEqualTo(2);
        assertThat(names(store.list("n1", "", Optional.empty(), 10, 0))).containsExactly("b");
        assertThat(store.delete("n1", List.of("a"))).isZero();
    }

    @Test
    void what_was_written_is_there_after_the_store_is_opened_again() {
        namespace("a", "n1", "one");
        put("n1", List.of(new KvWrite("k", new byte[] {7, 8}, Optional.of("{}"), OptionalLong.of(9_000))));
        store.close();
        store = open(dir);
        assertThat(store.namespaces("a")).containsExactly(new KvNamespace("n1", "a", "one"));
        KvEntry entry = store.get("n1", "k", 0).orElseThrow();
        assertThat(entry.value()).containsExactly(7, 8);
        assertThat(entry.metadata()).contains("{}");
        assertThat(entry.expiration()).hasValue(9_000);
    }

    @Test
    void two_keys_of_one_encoding_in_one_batch_take_off_their_old_entry_once() {
        long o = KvStore.ENTRY_OVERHEAD_BYTES;
        namespace("a", "n1", "one");
        put("n1", List.of(write("?", "0123456789")));
        assertThat(store.namespaceBytes("n1")).isEqualTo(11 + o);
        // A lone surrogate is stored as '?': the same row as the key before. (The API refuses such
        // a key; the store still counts the row it writes once.)
        put("n1", List.of(write("\ud800", ""), write("?", "x")));
        assertThat(store.namespaceBytes("n1")).isEqualTo(2 + o);
        assertThat(store.get("n1", "?", 0).map(KvStoreContract::text)).contains("x");
    }

    @Test
    void a_namespace_counts_its_keys_values_and_metadata_through_every_change() {
        long o = KvStore.ENTRY_OVERHEAD_BYTES;
        namespace("a", "n1", "one");
        namespace("a", "n2", "two");
        put("n1", List.of(write("ab", "12345"), new KvWrite("é", new byte[3], Optional.of("{\"ü\":1}"), OptionalLong.of(500))));
        // "ab" and its 5 bytes; "é" is 2 bytes, its value 3, its metadata 8; and each entry's overhead.
        assertThat(store.namespaceBytes("n1")).isEqualTo(7 + 13 + 2 * o);
        put("n1", List.of(write("ab", "1"), write("ab", "123")));
        assertThat(store.namespaceBytes("n1")).isEqualTo(5 + 13 + 2 * o);
        assertThat(store.delete("n1", List.of("ab", "missing", "ab"))).isEqualTo(1);
        assertThat(store.namespaceBytes("n1")).isEqualTo(13 + o);
        put("n2", List.of(write("k", "v")));
        assertThat(store.purgeExpired(500)).isEqualTo(1);
        assertThat(store.namespaceBytes("n1")).isZero();
        assertThat(store.namespaceBytes("n2")).isEqualTo(2 + o);
        store.close();
        store = open(dir);
        assertThat(store.namespaceBytes("n2")).isEqualTo(2 + o);
        assertThat(store.namespaceBytes("missing")).isZero();
    }

    @Test
    void a_write_past_the_namespace_limit_is_refused_whole_and_one_that_does_not_grow_it_passes() {
        long o = KvStore.ENTRY_OVERHEAD_BYTES;
        long limit = 2 * (10 + o);
        namespace("a", "n1", "one");
        namespace("a", "n2", "two");
        store.put("n1", List.of(write("a", "123456789")), limit);
        assertThat(store.namespaceBytes("n1")).isEqualTo(10 + o);
        assertThatThrownBy(() -> store.put("n1", List.of(write("b", "1"), write("c", "123456789")), limit))
                .isInstanceOf(KvException.class)
                .hasMessageContaining("The namespace is full")
                .hasMessageContaining("over its limit of " + limit + " bytes")
                .extracting(e -> ((KvException) e).problem()).isEqualTo(KvProblem.NAMESPACE_FULL);
        assertThat(store.get("n1", "b", 0)).isEmpty();
        assertThat(store.namespaceBytes("n1")).isEqualTo(10 + o);
        // Exactly at the limit is allowed; a rewrite that keeps the size, or shrinks it, always is.
        store.put("n1", List.of(write("b", "123456789")), limit);
        assertThat(store.namespaceBytes("n1")).isEqualTo(limit);
        store.put("n1", List.of(write("a", "987654321"), write("b", "")), limit);
        assertThat(store.namespaceBytes("n1")).isEqualTo(11 + 2 * o);
        store.put("n1", List.of(write("b", "123456789")), limit);
        // At the limit, a batch that grows one key by as much as it shrinks another passes as a whole.
        store.put("n1", List.of(write("a", "1234567890"), write("b", "12345678")), limit);
        assertThat(store.namespaceBytes("n1")).isEqualTo(limit);
        assertThat(text(store.get("n1", "a", 0).orElseThrow())).isEqualTo("1234567890");
        // Another namespace has a count of its own.
        store.put("n2", List.of(write("x", "123456789")), limit);
        assertThat(store.namespaceBytes("n2")).isEqualTo(10 + o);
    }
}
