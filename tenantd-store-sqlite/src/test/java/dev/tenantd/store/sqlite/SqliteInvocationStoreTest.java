package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.platform.observability.InvocationQuery;
import dev.tenantd.platform.observability.InvocationStoreContract;
import dev.tenantd.platform.store.InvocationStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteInvocationStoreTest extends InvocationStoreContract {
    @Override
    protected InvocationStore open(Path dir) {
        return SqliteInvocationStore.open(dir, 2);
    }

    @Test
    void a_batch_is_one_chunk_per_script_and_a_damaged_chunk_hides_no_other() throws Exception {
        store.insert(List.of(entry("a", "", "one", 1_000, "ok", 200, List.of(), "first"),
                entry("a", "", "two", 2_000, "ok", 200, List.of(), "second"),
                entry("a", "", "one", 3_000, "ok", 200, List.of(), "third")));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("invocations.sqlite"));
                Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT script, records_count FROM invocation_chunks ORDER BY position")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1) + rs.getInt(2)).isEqualTo("one2");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1) + rs.getInt(2)).isEqualTo("two1");
                assertThat(rs.next()).isFalse();
            }
            st.executeUpdate("UPDATE invocation_chunks SET records = x'01000000ff' WHERE script = 'one'");
        }
        assertThat(store.query(InvocationQuery.all("a")).entries()).extracting(InvocationEntry::script)
                .containsExactly("two");
    }

    @Test
    void a_query_that_reads_past_its_budget_is_refused_with_what_to_narrow() throws Exception {
        for (int i = 0; i < 300; i++) {
            store.insert(List.of(entry("a", "", "w" + i, 1_000 + i, "ok", 200, List.of(), "line " + i)));
        }
        // matched in Java, record by record; and in SQL, where SQLite reads every chunk for no row
        InvocationQuery noText = InvocationQuery.all("a").withText("no such text");
        InvocationQuery noRequest = InvocationQuery.all("a").withRequestId("zzz-no-such-request");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("invocations.sqlite"))) {
            for (InvocationQuery nothingMatches : List.of(noText, noRequest)) {
                assertThat(RecordQuery.run(c, nothingMatches).entries()).isEmpty();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecordQuery.run(c, nothingMatches, 0))
                        .isInstanceOfSatisfying(dev.tenantd.platform.PlatformException.class,
                                e -> assertThat(e.problem()).isEqualTo(dev.tenantd.platform.Problem.INVALID_REQUEST))
                        .hasMessageContaining("narrow it");
            }
            // the connection reads on afterwards, without a deadline
            assertThat(RecordQuery.run(c, InvocationQuery.all("a").withLimit(1)).entries()).hasSize(1);
        }
    }

    @Test
    void a_page_of_large_records_ends_at_its_size_and_the_cursor_pages_through_all_of_them_once() throws Exception {
        // 600 records with 32 KB of console output each: 19 MB, more than a page holds.
        String big = "x".repeat(32 * 1024);
        for (int i = 0; i < 600; i += 50) {
            List<InvocationEntry> batch = new java.util.ArrayList<>();
            for (int j = i; j < i + 50; j++) {
                batch.add(entry("a", "", "w", 1_000 + j, "ok", 200, List.of(), j + big));
            }
            store.insert(batch);
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        InvocationQuery query = InvocationQuery.all("a").withLimit(InvocationQuery.MAX_LIMIT);
        int pages = 0;
        while (true) {
            dev.tenantd.platform.observability.InvocationPage page = store.query(query);
            pages++;
            long bytes = page.entries().stream().mapToLong(InvocationEntry::approximateBytes).sum();
            assertThat(bytes).as("page %d", pages).isLessThanOrEqualTo(RecordQuery.MAX_PAGE_BYTES);
            for (InvocationEntry e : page.entries()) {
                assertThat(seen.add(e.timeMillis())).as("record at %d once", e.timeMillis()).isTrue();
            }
            if (page.next().isEmpty()) {
                break;
            }
            query = query.after(page.next().get());
        }
        assertThat(seen).hasSize(600);
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void a_scripts_minute_keeps_a_bounded_number_of_statuses_and_counts_the_rest_under_status_0() {
        // 400 statuses within one minute, over two batches, and some requests with a status seen before.
        int statuses = 400;
        for (int half = 0; half < 2; half++) {
            List<InvocationEntry> batch = new java.util.ArrayList<>();
            for (int i = half * statuses / 2; i < (half + 1) * statuses / 2; i++) {
                batch.add(entry("a", "", "w", 60_000 + i, "ok", 200 + i, List.of(), ""));
            }
            batch.add(entry("a", "", "w", 60_000, "ok", 200, List.of(), ""));
            store.insert(batch);
        }
        // Another script's minute and the next minute have rows of their own.
        store.insert(List.of(entry("a", "", "other", 60_000, "ok", 599, List.of(), ""),
                entry("a", "", "w", 120_000, "ok", 599, List.of(), "")));
        List<dev.tenantd.platform.observability.MinuteAggregate> minute = store.aggregates("a", 60_000, 119_999).stream()
                .filter(m -> m.script().equals("w")).toList();
        assertThat(minute).hasSize(SqliteInvocationStore.ROWS_PER_SCRIPT_MINUTE + 1);
        assertThat(minute.stream().mapToLong(dev.tenantd.platform.observability.MinuteAggregate::requests).sum())
                .as("every request counted").isEqualTo(statuses + 2);
        assertThat(minute.stream().filter(m -> m.status() == 200).findFirst().orElseThrow().requests()).isEqualTo(3);
        assertThat(minute.stream().filter(m -> m.status() == SqliteInvocationStore.OTHER_STATUS).findFirst().orElseThrow()
                .requests()).isEqualTo(statuses - SqliteInvocationStore.ROWS_PER_SCRIPT_MINUTE);
        assertThat(store.aggregates("a", 0, Long.MAX_VALUE)).filteredOn(m -> m.status() == 599)
                .extracting(dev.tenantd.platform.observability.MinuteAggregate::script).containsExactlyInAnyOrder("other", "w");
    }

    @Test
    void a_query_that_would_hold_too_many_records_it_cannot_order_yet_is_refused_with_what_to_narrow() throws Exception {
        // Each chunk holds a long invocation's record (started early) beside a recent one: no
        // early record can be placed before the last chunk is read.
        String big = "x".repeat(32 * 1024);
        for (int i = 0; i < 60; i++) {
            store.insert(List.of(entry("a", "", "w", 1_000 + i, "ok", 200, List.of(), "early " + i + big),
                    entry("a", "", "w", 1_000_000 + i, "ok", 200, List.of(), "late " + i)));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("invocations.sqlite"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecordQuery.run(c,
                    InvocationQuery.all("a").withLimit(InvocationQuery.MAX_LIMIT), 10_000, 1L << 20))
                    .isInstanceOfSatisfying(dev.tenantd.platform.PlatformException.class,
                            e -> assertThat(e.problem()).isEqualTo(dev.tenantd.platform.Problem.INVALID_REQUEST))
                    .hasMessageContaining("records it cannot order yet").hasMessageContaining("narrow it");
            // With room for them, the same query answers, newest first.
            assertThat(RecordQuery.run(c, InvocationQuery.all("a").withLimit(InvocationQuery.MAX_LIMIT), 10_000, 64L << 20)
                    .entries()).hasSize(120).first().extracting(InvocationEntry::timeMillis).isEqualTo(1_000_059L);
        }
    }

    @Test
    void a_read_waits_a_bounded_time_for_a_connection() throws Exception {
        org.sqlite.SQLiteDataSource source = new org.sqlite.SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve("waiting.sqlite"));
        try (SqliteConnections db = SqliteConnections.readingOnly(source, 1, "test database").waitingAtMost(200)) {
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread reader = Thread.ofVirtual().start(() -> db.read(conn -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            holding.await();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.read(conn -> 1))
                    .isInstanceOfSatisfying(dev.tenantd.platform.PlatformException.class,
                            e -> assertThat(e.problem()).isEqualTo(dev.tenantd.platform.Problem.OVERLOADED))
                    .hasMessageContaining("busy");
            release.countDown();
            reader.join();
            assertThat(db.<Integer>read(conn -> 1)).isEqualTo(1);
        }
    }
}
