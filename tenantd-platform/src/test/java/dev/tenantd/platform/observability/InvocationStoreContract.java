package dev.tenantd.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.store.InvocationStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link InvocationStore} must do. A store implementation's test extends this
 * class and says how to open its store in a directory.
 */
public abstract class InvocationStoreContract {
    @TempDir
    protected Path dir;
    protected InvocationStore store;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private int serial;

    /** Opens the store under test on {@code dir}; a second call opens it again on the same data. */
    protected abstract InvocationStore open(Path dir);

    @BeforeEach
    void openStore() {
        store = open(dir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** A record of {@code script} at {@code time}; the other fields are plain. */
    protected InvocationEntry entry(String account, String namespace, String script, long time, String outcome, int status,
            List<String> tags, String log) {
        serial++;
        return new InvocationEntry("", time, String.format("req-%06d", serial), account, namespace, script, "v1", tags, outcome,
                status, 1.5, 3.0, 1, "GET", "example.com", "/p", log.isEmpty() ? List.of()
                        : List.of(new InvocationEntry.LogLine("log", JSON.createArrayNode().add(log).toString(), time)), false,
                outcome.equals("exception") ? Optional.of(new InvocationEntry.ExceptionInfo("TypeError", "boom " + log, "", time))
                        : Optional.empty());
    }

    private List<String> scripts(InvocationPage page) {
        return page.entries().stream().map(InvocationEntry::script).toList();
    }

    private InvocationQuery q(String account) {
        return InvocationQuery.all(account);
    }

    @Test
    void records_come_back_newest_first_and_whole() {
        InvocationEntry old = entry("a", "", "w1", 1_000, "ok", 200, List.of("t1", "t2"), "hello \"you\"");
        store.insert(List.of(old, entry("a", "ns", "w2", 3_000, "ok", 200, List.of(), ""),
                entry("a", "ns", "w3", 2_000, "ok", 200, List.of(), "")));
        InvocationPage page = store.query(q("a"));
        assertThat(scripts(page)).containsExactly("w2", "w3", "w1");
        InvocationEntry stored = page.entries().get(2);
        assertThat(stored.id()).as("the store gives each record an id").isNotEmpty();
        assertThat(stored).isEqualTo(new InvocationEntry(stored.id(), old.timeMillis(), old.requestId(), old.accountId(),
                old.namespace(), old.script(), old.versionId(), old.tags(), old.outcome(), old.status(), old.cpuMs(),
                old.wallMs(), old.subrequests(), old.method(), old.host(), old.path(), old.logs(), old.logsTruncated(),
                old.exception()));
        assertThat(page.entries().stream().map(InvocationEntry::id).distinct()).hasSize(3);
        assertThat(store.get("a", stored.id())).contains(stored);
        assertThat(store.get("b", stored.id())).isEmpty();
        assertThat(store.get("a", "not-an-id")).isEmpty();
    }

    @Test
    void accounts_see_only_their_records() {
        store.insert(List.of(entry("a", "", "mine", 1, "ok", 200, List.of(), ""),
                entry("b", "", "theirs", 2, "ok", 200, List.of(), "")));
        assertThat(scripts(store.query(q("a")))).containsExactly("mine");
    }

    @Test
    void every_filter_narrows() {
        store.insert(List.of(
                entry("a", "ns1", "s1", 1_000, "ok", 200, List.of("gold"), "first line"),
                entry("a", "ns2", "s1", 2_000, "exception", 500, List.of("silver"), "second"),
                entry("a", "", "plain", 3_000, "exceededCpu", 503, List.of("gold", "x"), "third 100%"),
                entry("a", "ns1", "s2", 4_000, "ok", 404, List.of(), "fourth_line")));
        InvocationQuery all = q("a");
        assertThat(scripts(store.query(new InvocationQuery("a", Optional.of("ns1"), Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                Optional.empty(), 50, Optional.empty())))).containsExactly("s2", "s1");
        assertThat(scripts(store.query(all.withScript("", "plain")))).containsExactly("plain");
        assertThat(scripts(store.query(new InvocationQuery("a", Optional.empty(), Optional.empty(), Optional.of("gold"),
                Optional.empty(), OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                Optional.empty(), 50, Optional.empty())))).containsExactly("plain", "s1");
        assertThat(scripts(store.query(new InvocationQuery("a", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("exceededCpu"), OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.empty(), Optional.empty(), 50, Optional.empty())))).containsExactly("plain");
        assertThat(scripts(store.query(new InvocationQuery("a", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.of(404), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                Optional.empty(), 50, Optional.empty())))).containsExactly("s2");
        assertThat(scripts(store.query(new InvocationQuery("a", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.empty(), OptionalLong.of(2_000), OptionalLong.of(3_000), Optional.empty(),
                Optional.empty(), 50, Optional.empty())))).containsExactly("plain", "s1");
        assertThat(scripts(store.query(all.withText("second")))).containsExactly("s1");
        assertThat(scripts(store.query(all.withText("boom second")))).as("text in the exception").containsExactly("s1");
        assertThat(scripts(store.query(all.withText("100%")))).containsExactly("plain");
        assertThat(scripts(store.query(all.withText("h_line")))).as("_ is no wildcard").containsExactly("s2");
        assertThat(scripts(store.query(all.withText("d%line")))).as("% is no wildcard").isEmpty();
        assertThat(scripts(store.query(all.withText("'; DROP TABLE invocations; --")))).isEmpty();
        String requestId = store.query(all).entries().get(1).requestId();
        assertThat(scripts(store.query(all.withRequestId(requestId)))).containsExactly("plain");
    }

    @Test
    void text_with_quotes_is_found_as_the_worker_logged_it() {
        store.insert(List.of(entry("a", "", "w", 1, "ok", 200, List.of(), "say \"hi\" now")));
        assertThat(scripts(store.query(q("a").withText("say \"hi\" now")))).containsExactly("w");
    }

    @Test
    void records_stored_out_of_time_order_across_batches_and_scripts_are_listed_by_time() {
        // Long invocations end (and are stored) after shorter ones that started later.
        long[][] batches = {{500, 90, 300}, {700, 100, 650}, {80, 910, 400}, {905, 5, 640}};
        List<Long> all = new ArrayList<>();
        int n = 0;
        for (long[] times : batches) {
            List<InvocationEntry> batch = new ArrayList<>();
            for (long t : times) {
                batch.add(entry("a", n % 2 == 0 ? "ns" : "", "s" + (n % 3), t, "ok", 200, List.of(), "line " + t));
                all.add(t);
                n++;
            }
            store.insert(batch);
        }
        List<Long> listed = new ArrayList<>();
        InvocationQuery query = q("a").withLimit(4);
        while (true) {
            InvocationPage page = store.query(query);
            page.entries().forEach(e -> listed.add(e.timeMillis()));
            if (page.next().isEmpty()) {
                break;
            }
            query = query.after(page.next().get());
        }
        assertThat(listed).containsExactlyElementsOf(all.stream().sorted(java.util.Comparator.reverseOrder()).toList());
        assertThat(store.query(q("a").withLimit(1000)).entries()).extracting(InvocationEntry::timeMillis)
                .containsExactlyElementsOf(listed);
    }

    @Test
    void pages_follow_each_other_without_gaps_or_repeats() {
        List<InvocationEntry> batch = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            batch.add(entry("a", "", "w" + i, 1_000 + i / 3, "ok", 200, List.of(), ""));
        }
        store.insert(batch);
        Set<String> seen = new HashSet<>();
        InvocationQuery query = q("a").withLimit(5);
        int pages = 0;
        long lastTime = Long.MAX_VALUE;
        while (true) {
            InvocationPage page = store.query(query);
            pages++;
            for (InvocationEntry e : page.entries()) {
                assertThat(seen.add(e.id())).isTrue();
                assertThat(e.timeMillis()).isLessThanOrEqualTo(lastTime);
                lastTime = e.timeMillis();
            }
            if (page.next().isEmpty()) {
                break;
            }
            query = query.after(page.next().get());
        }
        assertThat(seen).hasSize(23);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void minutes_add_up_across_batches() {
        store.insert(List.of(entry("a", "ns", "w", 60_000, "ok", 200, List.of(), ""),
                entry("a", "ns", "w", 60_500, "ok", 200, List.of(), ""),
                entry("a", "ns", "w", 61_000, "exception", 500, List.of(), "")));
        store.insert(List.of(entry("a", "ns", "w", 119_999, "ok", 200, List.of(), ""),
                entry("a", "ns", "w", 120_000, "ok", 200, List.of(), "")));
        List<MinuteAggregate> minutes = store.aggregates("a", 0, 180_000);
        assertThat(minutes).hasSize(3);
        MinuteAggregate ok = minutes.stream().filter(m -> m.minuteMillis() == 60_000 && m.outcome().equals("ok"))
                .findFirst().orElseThrow();
        assertThat(ok.requests()).isEqualTo(3);
        assertThat(ok.errors()).isZero();
        assertThat(ok.subrequests()).isEqualTo(3);
        assertThat(ok.cpuMsSum()).isEqualTo(4.5);
        assertThat(ok.cpuBuckets().get(LatencyBuckets.of(1.5))).isEqualTo(3);
        assertThat(LatencyBuckets.quantileMs(ok.wallBuckets(), 0.99)).isEqualTo(5.0);
        MinuteAggregate failed = minutes.stream().filter(m -> m.outcome().equals("exception")).findFirst().orElseThrow();
        assertThat(failed.errors()).isEqualTo(1);
        assertThat(failed.status()).isEqualTo(500);
        assertThat(store.aggregates("b", 0, 180_000)).isEmpty();
    }

    @Test
    void old_records_and_minutes_are_removed() {
        store.insert(List.of(entry("a", "", "old", 60_000, "ok", 200, List.of("t"), ""),
                entry("a", "", "new", 600_000, "ok", 200, List.of("t"), "")));
        assertThat(store.deleteBefore(300_000)).isEqualTo(1);
        assertThat(scripts(store.query(q("a")))).containsExactly("new");
        assertThat(store.aggregates("a", 0, Long.MAX_VALUE)).extracting(MinuteAggregate::script).containsExactly("new");
    }

    @Test
    void the_size_cap_removes_the_oldest_first() {
        List<InvocationEntry> batch = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            batch.add(entry("a", "", String.format("w%04d", i), i, "ok", 200, List.of(), "x".repeat(100)));
        }
        store.insert(batch);
        long one = batch.get(0).approximateBytes();
        assertThat(store.storedBytes()).isEqualTo(one * 1200);
        assertThat(store.trimTo(one * 100)).isGreaterThanOrEqualTo(1100);
        assertThat(store.storedBytes()).isLessThanOrEqualTo(one * 100);
        assertThat(scripts(store.query(q("a").withLimit(1)))).containsExactly("w1199");
        assertThat(store.storedBytes()).isGreaterThan(0);
    }

    @Test
    void the_size_cap_trims_the_workers_that_hold_the_most_so_one_flood_cannot_push_out_the_others() {
        // older, and few: the quiet worker's records are the oldest in the store
        List<InvocationEntry> quiet = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            quiet.add(entry("a", "ns", "quiet", i, "ok", 200, List.of(), "x".repeat(100)));
        }
        store.insert(quiet);
        long one = quiet.get(0).approximateBytes();
        for (int batch = 0; batch < 100; batch++) {
            List<InvocationEntry> flood = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                flood.add(entry("a", "ns", "flood", 1_000 + batch * 10 + i, "ok", 200, List.of(), "x".repeat(100)));
            }
            store.insert(flood);
        }
        assertThat(store.trimTo(one * 200)).isEqualTo(810);
        assertThat(store.storedBytes()).isLessThanOrEqualTo(one * 200);
        assertThat(store.query(q("a").withScript("ns", "quiet").withLimit(100)).entries()).hasSize(10);
        List<InvocationEntry> flood = store.query(q("a").withScript("ns", "flood").withLimit(1000)).entries();
        assertThat(flood).hasSize(190);
        assertThat(flood.get(0).timeMillis()).isEqualTo(1_999);
    }

    @Test
    void calls_of_workers_that_do_not_exist_share_one_share_and_one_total_per_minute() {
        // Anyone can send a request for a made-up name: a thousand names must not each count as
        // a worker with a share of its own, nor each add a row of totals every minute.
        List<InvocationEntry> quiet = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            quiet.add(entry("a", "", "quiet", i, "ok", 200, List.of(), "x".repeat(100)));
        }
        store.insert(quiet);
        long one = quiet.get(0).approximateBytes();
        List<InvocationEntry> missing = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            missing.add(entry("a", "", String.format("m%04d", i), 1_000 + i, "scriptNotFound", 404, List.of(), "x".repeat(100)));
        }
        store.insert(missing);
        store.trimTo(one * 200);
        assertThat(store.storedBytes()).isLessThanOrEqualTo(one * 200);
        assertThat(store.query(q("a").withScript("", "quiet").withLimit(100)).entries()).hasSize(10);
        assertThat(store.query(q("a").withScript("", "m0999").withLimit(10)).entries()).as("the newest stays")
                .extracting(InvocationEntry::outcome).containsExactly("scriptNotFound");
        assertThat(store.aggregates("a", 0, Long.MAX_VALUE)).filteredOn(m -> m.outcome().equals("scriptNotFound"))
                .extracting(MinuteAggregate::script).containsOnly("");
    }

    @Test
    void records_survive_reopening() {
        store.insert(List.of(entry("a", "", "kept", 1, "ok", 200, List.of(), "")));
        store.close();
        store = open(dir);
        assertThat(scripts(store.query(q("a")))).containsExactly("kept");
    }
}
