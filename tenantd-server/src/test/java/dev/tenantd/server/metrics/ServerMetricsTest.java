package dev.tenantd.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tenantd.platform.NamedExecutor;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ServerMetricsTest {

    @Test
    void timed_pools_and_an_untimed_one_each_get_their_gauges_once_and_no_warning() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        ThreadPoolExecutor store = pool();
        ThreadPoolExecutor late = pool();
        ThreadPoolExecutor load = pool();
        try (ServerMetrics metrics = new ServerMetrics(MetricsConfig.defaults())) {
            // Timed before its gauges are bound, and after.
            metrics.timing("store").apply(store);
            metrics.bindExecutors(List.of(new NamedExecutor("store", store), new NamedExecutor("late", late),
                    new NamedExecutor("load", load)));
            metrics.timing("late").apply(late);

            String scrape = metrics.scrape();
            assertThat(scrape).contains("executor_seconds_count{name=\"late\"}");
            for (String name : List.of("store", "late", "load")) {
                assertThat(scrape).as(name).containsOnlyOnce("executor_pool_max_threads{name=\"" + name + "\"}");
                assertThat(scrape).as(name).containsOnlyOnce("executor_completed_tasks_total{name=\"" + name + "\"}");
            }
            assertThat(scrape).contains("executor_seconds_count{name=\"store\"}");
            assertThat(scrape).doesNotContain("executor_seconds_count{name=\"load\"}");
            assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        } finally {
            root.detachAppender(log);
            store.shutdownNow();
            late.shutdownNow();
            load.shutdownNow();
        }
    }

    private static ThreadPoolExecutor pool() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }
}
