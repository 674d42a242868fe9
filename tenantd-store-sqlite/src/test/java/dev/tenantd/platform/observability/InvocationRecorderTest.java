package dev.tenantd.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.store.sqlite.SqliteInvocationStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder over a real SQLite store, with a clock the test moves. */
class InvocationRecorderTest {
    @TempDir
    Path dir;

    /** A clock the test sets. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-10T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static InvocationEntry at(Instant time, String script) {
        return new InvocationEntry("", time.toEpochMilli(), "r", "a", "", script, "v", List.of(),
                "ok", 200, 1, 2, 0, "GET", "h", "/", List.of(), false, Optional.empty());
    }

    @Test
    void retention_removes_records_and_minutes_older_than_the_configured_days() {
        TestClock clock = new TestClock();
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder recorder = InvocationRecorder.start(store,
                        ObservabilitySettings.defaults().withQueue(100, Duration.ofHours(1)), clock)) {
            recorder.offer(at(clock.now.minus(Duration.ofDays(8)), "ancient"));
            recorder.offer(at(clock.now.minus(Duration.ofDays(6)), "recent"));
            recorder.offer(at(clock.now, "fresh"));
            recorder.flush();
            assertThat(recorder.written()).isEqualTo(3);
            assertThat(recorder.sweep()).isEqualTo(1);
            assertThat(store.query(InvocationQuery.all("a")).entries()).extracting(InvocationEntry::script)
                    .containsExactly("fresh", "recent");
            assertThat(store.aggregates("a", 0, Long.MAX_VALUE)).extracting(MinuteAggregate::script)
                    .containsExactly("recent", "fresh");
            clock.now = clock.now.plus(Duration.ofDays(2));
            assertThat(recorder.sweep()).isEqualTo(1);
            assertThat(store.query(InvocationQuery.all("a")).entries()).extracting(InvocationEntry::script)
                    .containsExactly("fresh");
        }
    }

    @Test
    void the_queue_holds_a_bounded_number_of_bytes_whatever_its_length_and_gives_them_back_as_it_is_stored() {
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder recorder = InvocationRecorder.start(store,
                        ObservabilitySettings.defaults().withQueue(100_000, Duration.ofHours(1)), Clock.systemUTC())) {
            // Records as large as the caps make them: 100 console lines of 320 characters, not Latin-1.
            String line = "[\"" + "ж".repeat(320) + "\"]";
            List<InvocationEntry.LogLine> logs = java.util.Collections.nCopies(100, new InvocationEntry.LogLine("log", line, 1));
            // From eight workers, each within its share of the queue (see the test below for one that is not).
            List<InvocationEntry> big = java.util.stream.IntStream.range(0, 8).mapToObj(i -> new InvocationEntry("",
                    System.currentTimeMillis(), "r", "a", "", "chatty-" + i, "v", List.of(), "ok", 200, 1, 2, 0, "GET",
                    "h", "/", logs, false, Optional.empty())).toList();
            long fits = InvocationRecorder.MAX_QUEUED_BYTES / big.get(0).approximateBytes();
            for (int i = 0; i < fits + 50; i++) {
                recorder.offer(big.get(i % 8));
            }
            assertThat(recorder.dropped()).isEqualTo(50);
            assertThat(recorder.queuedBytes()).isLessThanOrEqualTo(InvocationRecorder.MAX_QUEUED_BYTES);
            recorder.flush();
            assertThat(recorder.written()).isEqualTo(fits);
            assertThat(recorder.queuedBytes()).isZero();
            recorder.offer(big.get(0));
            assertThat(recorder.dropped()).as("room again once stored").isEqualTo(50);
        }
    }

    @Test
    void a_worker_past_its_share_of_a_filling_queue_cannot_cost_other_workers_their_records() {
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder recorder = InvocationRecorder.start(store,
                        ObservabilitySettings.defaults().withQueue(100, Duration.ofHours(1)), Clock.systemUTC())) {
            for (int i = 0; i < 200; i++) {
                recorder.offer(at(Instant.now(), "noisy"));
            }
            // A quarter is its share; it may go on to three quarters of the queue, not into the last quarter.
            assertThat(recorder.dropped()).isEqualTo(125);
            for (int i = 0; i < 10; i++) {
                recorder.offer(at(Instant.now(), "quiet"));
            }
            assertThat(recorder.dropped()).isEqualTo(125);
            recorder.flush();
            assertThat(store.query(InvocationQuery.all("a").withLimit(1000)).entries())
                    .extracting(InvocationEntry::script).filteredOn("quiet"::equals).hasSize(10);
            // Stored, its records count no more: the noisy worker has its share again.
            recorder.offer(at(Instant.now(), "noisy"));
            assertThat(recorder.dropped()).isEqualTo(125);
        }
    }

    @Test
    void past_its_share_of_the_queue_s_bytes_a_worker_s_records_are_kept_without_what_they_logged() {
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder recorder = InvocationRecorder.start(store,
                        ObservabilitySettings.defaults().withQueue(100_000, Duration.ofHours(1)), Clock.systemUTC())) {
            String line = "[\"" + "ж".repeat(320) + "\"]";
            List<InvocationEntry.LogLine> logs = java.util.Collections.nCopies(100, new InvocationEntry.LogLine("log", line, 1));
            java.util.function.Function<String, InvocationEntry> chatty = script -> new InvocationEntry("",
                    System.currentTimeMillis(), "r", "a", "", script, "v", List.of(), "exception", 500, 1, 2, 0, "GET",
                    "h", "/", logs, false, Optional.of(new InvocationEntry.ExceptionInfo("Error", "m".repeat(1000),
                            "Error: m\n    at f (index.js:1:1)", 1)));
            long fits = InvocationRecorder.MAX_QUEUED_BYTES / chatty.apply("noisy").approximateBytes();
            for (long i = 0; i < 2 * fits; i++) {
                recorder.offer(chatty.apply("noisy"));
            }
            recorder.offer(chatty.apply("quiet"));
            assertThat(recorder.dropped()).isZero();
            assertThat(recorder.queuedBytes()).isLessThan(InvocationRecorder.MAX_QUEUED_BYTES);
            recorder.flush();
            assertThat(recorder.written()).isEqualTo(2 * fits + 1);
            InvocationEntry quiet = store.query(InvocationQuery.all("a").withScript("", "quiet")).entries().get(0);
            assertThat(quiet.logs()).hasSize(100);
            assertThat(quiet.exception().orElseThrow().stack()).isNotEmpty();
            // The newest are the ones queued past the share.
            InvocationEntry cut = store.query(InvocationQuery.all("a").withScript("", "noisy").withLimit(1)).entries().get(0);
            assertThat(cut.logs()).isEmpty();
            assertThat(cut.logsTruncated()).isTrue();
            assertThat(cut.exception().orElseThrow().name()).isEqualTo("Error");
            assertThat(cut.exception().orElseThrow().message()).hasSize(InvocationEntry.SHORT_MESSAGE + 1);
            assertThat(cut.exception().orElseThrow().stack()).isEmpty();
            // Every invocation still counts.
            assertThat(store.aggregates("a", 0, Long.MAX_VALUE).stream().filter(m -> m.script().equals("noisy"))
                    .mapToLong(MinuteAggregate::requests).sum()).isEqualTo(2 * fits);
        }
    }

    @Test
    void a_record_offered_after_close_is_counted_as_dropped_not_left_in_a_queue_nothing_writes() {
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1)) {
            InvocationRecorder recorder = InvocationRecorder.start(store,
                    ObservabilitySettings.defaults().withQueue(100, Duration.ofHours(1)), Clock.systemUTC());
            recorder.offer(at(Instant.now(), "before"));
            recorder.close();
            assertThat(recorder.written()).isEqualTo(1);
            recorder.offer(at(Instant.now(), "after"));
            assertThat(recorder.dropped()).isEqualTo(1);
            assertThat(recorder.queuedBytes()).isZero();
        }
    }

    @Test
    void half_a_queue_of_waiting_records_is_stored_without_waiting_for_the_next_tick() {
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder recorder = InvocationRecorder.start(store,
                        ObservabilitySettings.defaults().withQueue(2 * InvocationRecorder.BATCH, Duration.ofHours(1)),
                        Clock.systemUTC())) {
            for (int i = 0; i < InvocationRecorder.BATCH; i++) {
                recorder.offer(at(Instant.now(), "busy"));
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (recorder.written() < InvocationRecorder.BATCH && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertThat(recorder.written()).as("stored before the hour's tick").isEqualTo(InvocationRecorder.BATCH);
        }
    }

    private static InvocationEntry thrown(String script, String stack) {
        return new InvocationEntry("", System.currentTimeMillis(), "r", "a", "", script, "v-" + script,
                List.of(), "exception", 500, 1, 2, 0, "GET", "h", "/", List.of(), false,
                Optional.of(new InvocationEntry.ExceptionInfo("Error", "x", stack, 1)));
    }

    @Test
    void stacks_are_mapped_on_the_writer_and_a_failing_mapping_keeps_the_record_as_it_was() {
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder recorder = InvocationRecorder.start(store,
                        ObservabilitySettings.defaults().withQueue(100, Duration.ofHours(1)), Clock.systemUTC())) {
            recorder.mapStacksWith((versionId, stack) -> {
                if (versionId.equals("v-broken")) {
                    throw new IllegalStateException("a map that cannot be read");
                }
                return stack.replace("index.js:1:1", "src/index.ts:9:3 of " + versionId);
            });
            recorder.offer(thrown("mapped", "Error: x\n    at f (index.js:1:1)"));
            recorder.offer(thrown("broken", "Error: x\n    at f (index.js:1:1)"));
            recorder.offer(at(Instant.now(), "fine"));
            recorder.flush();
            assertThat(recorder.written()).isEqualTo(3);
            assertThat(store.query(InvocationQuery.all("a")).entries()).filteredOn(e -> e.exception().isPresent())
                    .extracting(e -> e.script() + ": " + e.exception().orElseThrow().stack())
                    .containsExactlyInAnyOrder("mapped: Error: x\n    at f (src/index.ts:9:3 of v-mapped)",
                            "broken: Error: x\n    at f (index.js:1:1)");
        }
    }

    @Test
    void a_flush_stores_what_waited_when_it_began_so_records_that_keep_coming_cannot_hold_off_the_sweep() {
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder recorder = InvocationRecorder.start(store,
                        ObservabilitySettings.defaults().withQueue(100, Duration.ofHours(1)), Clock.systemUTC())) {
            int[] arrivals = {0};
            // Every record stored brings another, as a steady stream of invocations does (of four
            // workers, each within its share of the queue).
            recorder.mapStacksWith((versionId, stack) -> {
                if (arrivals[0]++ < 2_000) {
                    recorder.offer(thrown("more-" + arrivals[0] % 4, "Error: x"));
                }
                return stack;
            });
            for (int i = 0; i < 100; i++) {
                recorder.offer(thrown("first-" + i % 4, "Error: x"));
            }
            recorder.flush();
            assertThat(recorder.written()).isEqualTo(100);
            recorder.flush();
            assertThat(recorder.written()).isEqualTo(200);
        }
    }

    @Test
    void sampling_follows_the_narrower_of_the_operator_and_the_script() {
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder none = InvocationRecorder.start(store,
                        ObservabilitySettings.defaults().withHeadSamplingRate(0), Clock.systemUTC());
                InvocationRecorder all = InvocationRecorder.start(store, ObservabilitySettings.defaults(), Clock.systemUTC());
                InvocationRecorder off = InvocationRecorder.start(store, ObservabilitySettings.off(), Clock.systemUTC())) {
            for (int i = 0; i < 1000; i++) {
                assertThat(none.samples(ScriptObservability.DEFAULT)).isFalse();
                assertThat(none.samples(new ScriptObservability(true, 1.0))).as("a script cannot widen").isFalse();
                assertThat(off.samples(ScriptObservability.DEFAULT)).isFalse();
                assertThat(all.samples(ScriptObservability.DEFAULT)).isTrue();
                assertThat(all.samples(new ScriptObservability(false, 1.0))).isFalse();
                assertThat(all.samples(new ScriptObservability(true, 0.0))).isFalse();
            }
            int sampled = 0;
            for (int i = 0; i < 10_000; i++) {
                sampled += all.samples(new ScriptObservability(true, 0.1)) ? 1 : 0;
            }
            assertThat(sampled).isBetween(700, 1300);
            assertThat(InvocationRecorder.off().samples(ScriptObservability.DEFAULT)).isFalse();
        }
    }

    @Test
    void a_failing_store_loses_the_batch_and_counts_it() {
        SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
        store.close();
        try (InvocationRecorder recorder = InvocationRecorder.start(store,
                ObservabilitySettings.defaults().withQueue(100, Duration.ofHours(1)), Clock.systemUTC())) {
            recorder.offer(at(Instant.now(), "lost"));
            recorder.offer(at(Instant.now(), "lost"));
            recorder.flush();
            assertThat(recorder.dropped()).isEqualTo(2);
            assertThat(recorder.written()).isZero();
        }
    }

    @Test
    void the_size_cap_is_applied_by_the_sweep() {
        TestClock clock = new TestClock();
        ObservabilitySettings tiny = new ObservabilitySettings(true, Duration.ofDays(7), 1, 1.0, 100, Duration.ofHours(1));
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1);
                InvocationRecorder recorder = InvocationRecorder.start(store, tiny, clock)) {
            recorder.offer(at(clock.now, "one"));
            recorder.offer(at(clock.now, "two"));
            recorder.flush();
            assertThat(recorder.sweep()).isEqualTo(2);
            assertThat(store.storedBytes()).isZero();
        }
    }

    @Test
    void toml_settings_are_checked() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(ObservabilitySettings.fromToml(null)).isEqualTo(ObservabilitySettings.defaults());
        ObservabilitySettings s = ObservabilitySettings.fromToml(json.createObjectNode().put("enabled", false)
                .put("retention-days", 3).put("max-size-mb", 5).put("head-sampling-rate", 0.25));
        assertThat(s.enabled()).isFalse();
        assertThat(s.retention()).isEqualTo(Duration.ofDays(3));
        assertThat(s.maxBytes()).isEqualTo(5L << 20);
        assertThat(s.headSamplingRate()).isEqualTo(0.25);
        for (var bad : List.of(json.createObjectNode().put("retention-days", 0),
                json.createObjectNode().put("head-sampling-rate", 1.5), json.createObjectNode().put("enabled", "yes"),
                json.createObjectNode().put("retention", 3), json.createObjectNode().put("max-size-mb", 2.5))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ObservabilitySettings.fromToml(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[observability]");
        }
    }
}
