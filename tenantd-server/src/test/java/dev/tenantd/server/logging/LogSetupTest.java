package dev.tenantd.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LogSetupTest {

    @Test
    void logback_finds_it_and_it_logs_info_and_up_to_standard_error_with_the_libraries_quieter() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(p -> p.type().getName()))
                .contains(LogSetup.class.getName());
        LoggerContext context = new LoggerContext();
        assertThat(new LogSetup().configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(stderr.isStarted()).isTrue();
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(LogSetup.PATTERN);
        for (String library : new String[] {"io.netty", "io.vertx", "org.flywaydb"}) {
            assertThat(context.getLogger(library + ".x").getEffectiveLevel()).as(library).isEqualTo(Level.WARN);
        }
        assertThat(context.getLogger("dev.tenantd.server.X").getEffectiveLevel()).isEqualTo(Level.INFO);
        context.stop();
    }

    @Test
    void workers_console_lines_never_wait_for_a_blocked_standard_error() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as Logback's own start-up sets it
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> blocked = new ch.qos.logback.core.AppenderBase<>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                try {
                    stuck.await(); // a pipe nobody reads
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.incrementAndGet();
            }
        };
        blocked.setContext(context);
        blocked.start();
        LogSetup.workerLinesThrough(context, blocked);
        Logger workers = context.getLogger(LogSetup.WORKER_LOGGER);
        assertThat(workers.isAdditive()).as("not written a second time through the root").isFalse();
        assertThat(workers.getAppender("WORKERS").isStarted()).isTrue();
        java.util.concurrent.CompletableFuture<Void> logging = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 10 * LogSetup.WORKER_QUEUE; i++) {
                workers.info("line {}", i);
            }
        });
        logging.get(30, java.util.concurrent.TimeUnit.SECONDS);
        stuck.countDown();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (written.get() <= LogSetup.WORKER_QUEUE / 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // what waited is written once the pipe is read again
        }
        context.stop();
        // What was queued, and what the writer had taken from the queue before the pipe stuck
        // (it takes all that waits at once): at most twice the queue, of ten times as many lines.
        assertThat(written.get()).isGreaterThan(LogSetup.WORKER_QUEUE / 2).isLessThanOrEqualTo(2 * LogSetup.WORKER_QUEUE + 1);
    }

    @Test
    void one_worker_logging_at_full_speed_leaves_the_queues_last_quarter_to_the_others() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        java.util.List<ch.qos.logback.classic.spi.ILoggingEvent> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> slow = new ch.qos.logback.core.AppenderBase<>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                entered.countDown();
                try {
                    stuck.await(); // standard error read slowly
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.add(event);
            }
        };
        slow.setContext(context);
        slow.start();
        LogSetup.workerLinesThrough(context, slow);
        Logger workers = context.getLogger(LogSetup.WORKER_LOGGER);
        workers.info("[{}] log: {}", "first", "taken by the writer, which then waits");
        assertThat(entered.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        int queue = LogSetup.WORKER_QUEUE;
        for (int i = 0; i < 2 * queue; i++) {
            workers.info("[{}] log: {}", "noisy", i);
        }
        // A second one doing the same gets half of the last quarter's room at most.
        for (int i = 0; i < queue; i++) {
            workers.info("[{}] log: {}", "also noisy", i);
        }
        for (int i = 0; i < queue / 32; i++) {
            workers.info("[{}] log: {}", "quiet", i);
        }
        stuck.countDown();
        int secondShare = 85; // while 768 + n queued, n < (1024 - 768 - n) / 2
        long leftOut = 2 * queue - (queue - queue / 4) + queue - secondShare;
        String report = leftOut + " console lines of workers were left out of this log";
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (written.stream().noneMatch(e -> e.getFormattedMessage().startsWith(report)) && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the count is written once the queue has room again
        }
        context.stop();
        assertThat(written).anyMatch(e -> e.getFormattedMessage().startsWith(report));
        assertThat(written.stream().filter(e -> "quiet".equals(e.getArgumentArray()[0])).count()).isEqualTo(queue / 32);
        assertThat(written.stream().filter(e -> "also noisy".equals(e.getArgumentArray()[0])).count()).isEqualTo(secondShare);
        assertThat(written.stream().filter(e -> "noisy".equals(e.getArgumentArray()[0])).count())
                .isEqualTo(queue - queue / 4);
        assertThat(written.stream().filter(e -> e.getLevel() == Level.WARN).map(e -> e.getLoggerName()))
                .containsExactly(LogSetup.WORKER_LOGGER);
    }

    @Test
    void an_operators_own_logback_file_takes_its_place() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/etc/tenantd/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            assertThat(new LogSetup().configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
            context.stop();
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }
}
