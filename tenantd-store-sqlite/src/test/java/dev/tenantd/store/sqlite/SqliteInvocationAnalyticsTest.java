package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.analytics.AnalyticsFilter;
import dev.tenantd.platform.analytics.AnalyticsGroup;
import dev.tenantd.platform.analytics.AnalyticsOrder;
import dev.tenantd.platform.analytics.AnalyticsQuery;
import dev.tenantd.platform.analytics.Dimension;
import dev.tenantd.platform.analytics.Quantiles;
import dev.tenantd.platform.analytics.ScriptKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Analytics over a week of a 10,000-script namespace: synthetic per-minute aggregates written
 * straight into {@code invocation_minutes}, then sums, groups, orders, filters and quantiles
 * checked against what was written. The time each query takes goes to the log.
 */
class SqliteInvocationAnalyticsTest {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteInvocationAnalyticsTest.class);
    static final int SCRIPTS = 10_000;
    static final int MINUTES_PER_SCRIPT = 12;
    static final long WEEK_START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long WEEK = 7 * 86_400_000L;

    @TempDir
    static Path dir;
    static SqliteInvocationStore store;
    static SqliteInvocationAnalytics analytics;

    static String name(int i) {
        return String.format("s%05d", i);
    }

    static long requestsOf(int i) {
        return i % 7 + 1;
    }

    static long minuteOf(int i, int k) {
        return WEEK_START + k * (WEEK / MINUTES_PER_SCRIPT) + (i % 60) * 60_000L;
    }

    @BeforeAll
    static void fill() throws Exception {
        store = SqliteInvocationStore.open(dir, 1);
        analytics = SqliteInvocationAnalytics.open(dir, 1);
        long started = System.nanoTime();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("invocations.sqlite"))) {
            db.setAutoCommit(false);
            try (PreparedStatement st = db.prepareStatement("INSERT INTO invocation_minutes (account_id, namespace, script, "
                    + "minute_ms, outcome, status, requests, errors, subrequests, cpu_ms_sum, wall_ms_sum, cpu_b3, wall_b4) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < SCRIPTS; i++) {
                    for (int k = 0; k < MINUTES_PER_SCRIPT; k++) {
                        boolean failing = i % 3 == 0;
                        st.setString(1, "acct");
                        st.setString(2, "big");
                        st.setString(3, name(i));
                        st.setLong(4, minuteOf(i, k));
                        st.setString(5, failing ? "exception" : "ok");
                        st.setInt(6, failing ? 500 : 200);
                        st.setLong(7, requestsOf(i));
                        st.setLong(8, failing ? requestsOf(i) : 0);
                        st.setLong(9, 2 * requestsOf(i));
                        st.setDouble(10, 3.0 * requestsOf(i));
                        st.setDouble(11, 7.0 * requestsOf(i));
                        st.setLong(12, requestsOf(i));
                        st.setLong(13, requestsOf(i));
                        st.addBatch();
                    }
                }
                // Another account's scripts with the same names: never in this account's answers.
                for (int i = 0; i < 100; i++) {
                    st.setString(1, "other");
                    st.setString(2, "big");
                    st.setString(3, name(i));
                    st.setLong(4, minuteOf(i, 0));
                    st.setString(5, "ok");
                    st.setInt(6, 200);
                    st.setLong(7, 1000);
                    st.setLong(8, 0);
                    st.setLong(9, 0);
                    st.setDouble(10, 1);
                    st.setDouble(11, 1);
                    st.setLong(12, 1000);
                    st.setLong(13, 1000);
                    st.addBatch();
                }
                st.executeBatch();
            }
            db.commit();
        }
        LOG.info("wrote {} minute aggregates in {} ms", SCRIPTS * MINUTES_PER_SCRIPT, (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    static void close() {
        analytics.close();
        store.close();
    }

    static List<AnalyticsGroup> timed(String what, AnalyticsQuery q) {
        long started = System.nanoTime();
        List<AnalyticsGroup> groups = analytics.groups(q);
        LOG.info("{}: {} groups in {} ms", what, groups.size(), (System.nanoTime() - started) / 1_000_000);
        return groups;
    }

    static AnalyticsQuery week(List<AnalyticsFilter> filters, List<Dimension> groupBy, List<AnalyticsOrder> order, int limit) {
        return new AnalyticsQuery("acct", WEEK_START, WEEK_START + WEEK, filters, Optional.empty(), groupBy, order, Set.of(), limit);
    }

    static AnalyticsFilter eq(Dimension d, Object v) {
        return new AnalyticsFilter(d, AnalyticsFilter.Op.EQ, List.of(v));
    }

    @Test
    void aWeekOfTheWholeNamespaceSumsEveryMinute() {
        long requests = 0;
        long errors = 0;
        for (int i = 0; i < SCRIPTS; i++) {
            requests += MINUTES_PER_SCRIPT * requestsOf(i);
            errors += i % 3 == 0 ? MINUTES_PER_SCRIPT * requestsOf(i) : 0;
        }
        List<AnalyticsGroup> all = timed("namespace total",
                week(List.of(eq(Dimension.DISPATCH_NAMESPACE_NAME, "big")), List.of(), List.of(), 10));
        assertThat(all).hasSize(1);
        assertThat(all.getFirst().requests()).isEqualTo(requests);
        assertThat(all.getFirst().errors()).isEqualTo(errors);
        assertThat(all.getFirst().subrequests()).isEqualTo(2 * requests);
        assertThat(all.getFirst().cpuMsSum()).isEqualTo(3.0 * requests);

        List<AnalyticsGroup> byStatus = timed("by status", week(List.of(), List.of(Dimension.STATUS), List.of(), 10));
        assertThat(byStatus).extracting(g -> g.dimensions().get(Dimension.STATUS))
                .containsExactly("scriptThrewException", "success");
        assertThat(byStatus.getFirst().requests()).isEqualTo(errors);
        assertThat(byStatus.get(1).requests()).isEqualTo(requests - errors);
    }

    @Test
    void aQueryPastItsBudgetIsStoppedWithAMessageSayingHowToNarrowIt() {
        AnalyticsQuery all = week(List.of(), List.of(Dimension.SCRIPT_NAME),
                List.of(AnalyticsOrder.by(AnalyticsOrder.Sum.REQUESTS, AnalyticsOrder.Direction.DESC)), 5);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> analytics.groups(all, System.nanoTime())))
                .isInstanceOf(dev.tenantd.platform.PlatformException.class)
                .hasMessage("The request's queries ran for more than 10000 ms in all and were stopped; narrow them with a "
                        + "shorter time range or more filters, or ask for fewer datasets at once.");
        assertThat(analytics.groups(all)).as("the next query runs as usual").hasSize(5);
    }

    @Test
    void theBusiestScriptsComeFirstWithTiesInNameOrder() {
        List<AnalyticsGroup> withQuantiles = timed("top 5 scripts of 10,000 with quantiles", new AnalyticsQuery("acct",
                WEEK_START, WEEK_START + WEEK, List.of(), Optional.empty(), List.of(Dimension.SCRIPT_NAME),
                List.of(AnalyticsOrder.by(AnalyticsOrder.Sum.REQUESTS, AnalyticsOrder.Direction.DESC)),
                Set.of(AnalyticsQuery.Histogram.CPU, AnalyticsQuery.Histogram.WALL), 5));
        assertThat(withQuantiles.getFirst().cpuBuckets().get(3)).isEqualTo(7L * MINUTES_PER_SCRIPT);
        List<AnalyticsGroup> top = timed("top 5 scripts of 10,000", week(List.of(), List.of(Dimension.SCRIPT_NAME),
                List.of(AnalyticsOrder.by(AnalyticsOrder.Sum.REQUESTS, AnalyticsOrder.Direction.DESC)), 5));
        assertThat(top).extracting(g -> g.dimensions().get(Dimension.SCRIPT_NAME))
                .containsExactly("s00006", "s00013", "s00020", "s00027", "s00034");
        assertThat(top).allSatisfy(g -> assertThat(g.requests()).isEqualTo(7L * MINUTES_PER_SCRIPT));

        List<AnalyticsGroup> all = timed("every script by name descending", week(List.of(), List.of(Dimension.SCRIPT_NAME),
                List.of(AnalyticsOrder.by(Dimension.SCRIPT_NAME, AnalyticsOrder.Direction.DESC)), AnalyticsQuery.MAX_LIMIT));
        assertThat(all).hasSize(SCRIPTS);
        assertThat(all.getFirst().dimensions().get(Dimension.SCRIPT_NAME)).isEqualTo(name(SCRIPTS - 1));
    }

    @Test
    void oneScriptByHourAndFilters() {
        List<AnalyticsGroup> hours = timed("one script by hour", week(List.of(eq(Dimension.SCRIPT_NAME, name(4242))),
                List.of(Dimension.DATETIME_HOUR), List.of(AnalyticsOrder.by(Dimension.DATETIME_HOUR, AnalyticsOrder.Direction.ASC)),
                100));
        assertThat(hours).hasSize(MINUTES_PER_SCRIPT);
        List<Object> expected = new ArrayList<>();
        for (int k = 0; k < MINUTES_PER_SCRIPT; k++) {
            long m = minuteOf(4242, k);
            expected.add(m - m % 3_600_000L);
        }
        assertThat(hours).extracting(g -> g.dimensions().get(Dimension.DATETIME_HOUR)).containsExactlyElementsOf(expected);
        assertThat(hours).allSatisfy(g -> assertThat(g.requests()).isEqualTo(requestsOf(4242)));

        // The first two sampled minutes of one script only.
        List<AnalyticsGroup> range = timed("one script, time range", week(List.of(eq(Dimension.SCRIPT_NAME, name(4242)),
                new AnalyticsFilter(Dimension.DATETIME_MINUTE, AnalyticsFilter.Op.LEQ, List.of(minuteOf(4242, 1)))),
                List.of(), List.of(), 10));
        assertThat(range.getFirst().requests()).isEqualTo(2 * requestsOf(4242));

        List<AnalyticsGroup> in = timed("scriptName_in", week(List.of(new AnalyticsFilter(Dimension.SCRIPT_NAME,
                AnalyticsFilter.Op.IN, List.of(name(1), name(2), "no-such"))), List.of(), List.of(), 10));
        assertThat(in.getFirst().requests()).isEqualTo(MINUTES_PER_SCRIPT * (requestsOf(1) + requestsOf(2)));

        List<AnalyticsGroup> notOk = timed("outcome_neq", week(List.of(new AnalyticsFilter(Dimension.OUTCOME,
                AnalyticsFilter.Op.NEQ, List.of("ok")), eq(Dimension.HTTP_STATUS, 500L)), List.of(), List.of(), 10));
        assertThat(notOk.getFirst().requests()).isEqualTo(notOk.getFirst().errors()).isPositive();
    }

    @Test
    void aTagsScriptsAreTheOnlyOnesCounted() {
        List<ScriptKey> tagged = List.of(new ScriptKey("big", name(7)), new ScriptKey("big", name(8)),
                new ScriptKey("elsewhere", name(9)));
        List<AnalyticsGroup> g = timed("tagged scripts", new AnalyticsQuery("acct", WEEK_START, WEEK_START + WEEK, List.of(),
                Optional.of(tagged), List.of(Dimension.SCRIPT_NAME), List.of(), Set.of(), 10));
        assertThat(g).extracting(x -> x.dimensions().get(Dimension.SCRIPT_NAME)).containsExactly(name(7), name(8));
        assertThat(timed("no tagged scripts", new AnalyticsQuery("acct", WEEK_START, WEEK_START + WEEK, List.of(),
                Optional.of(List.of()), List.of(), List.of(), Set.of(), 10))).isEmpty();
    }

    @Test
    void anotherAccountSeesOnlyItsOwn() {
        List<AnalyticsGroup> other = analytics.groups(new AnalyticsQuery("other", WEEK_START, WEEK_START + WEEK, List.of(),
                Optional.empty(), List.of(), List.of(), Set.of(), 10));
        assertThat(other.getFirst().requests()).isEqualTo(100_000L);
        assertThat(analytics.groups(new AnalyticsQuery("nobody", WEEK_START, WEEK_START + WEEK, List.of(),
                Optional.empty(), List.of(), List.of(), Set.of(), 10))).isEmpty();
    }

    @Test
    void hostileNamesAreValuesNotSql() {
        assertThat(analytics.groups(week(List.of(eq(Dimension.SCRIPT_NAME, "x' OR 1=1 --"),
                new AnalyticsFilter(Dimension.SCRIPT_NAME, AnalyticsFilter.Op.IN, List.of("\"]'), ('a"))),
                List.of(), List.of(), 10))).isEmpty();
    }

    @Test
    void quantilesInterpolateWithinABucket() {
        List<AnalyticsGroup> g = analytics.groups(new AnalyticsQuery("acct", WEEK_START, WEEK_START + WEEK,
                List.of(eq(Dimension.SCRIPT_NAME, name(6))), Optional.empty(), List.of(), List.of(),
                Set.of(AnalyticsQuery.Histogram.CPU, AnalyticsQuery.Histogram.WALL), 1));
        // Every CPU time is in the 2-5 ms bucket, every wall time in the 5-10 ms one.
        assertThat(g.getFirst().cpuQuantileMs(0.5)).isBetween(2.0, 5.0);
        assertThat(g.getFirst().wallQuantileMs(0.99)).isBetween(5.0, 10.0);
        List<Long> counts = new ArrayList<>(Collections.nCopies(16, 0L));
        counts.set(3, 10L);
        assertThat(Quantiles.interpolatedMs(counts, 0.5)).isEqualTo(3.5);
        counts.set(15, 10L);
        assertThat(Quantiles.interpolatedMs(counts, 0.99)).isEqualTo(30_000.0);
        assertThat(Quantiles.interpolatedMs(Collections.nCopies(16, 0L), 0.5)).isZero();
    }
}
