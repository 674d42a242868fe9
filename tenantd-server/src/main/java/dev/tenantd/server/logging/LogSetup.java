package dev.tenantd.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The server's logging, set up in code: lines of time, level, logger and message on standard
 * error; INFO and up, but only WARN and up from Netty, Vert.x and Flyway. Found by Logback through
 * {@code META-INF/services}. An operator's own file ({@code -Dlogback.configurationFile=...})
 * takes its place. Logback's XML configurator, with the XML parser under it, is several hundred
 * classes that would stay loaded for the life of the process.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        for (String quieter : new String[] {"io.netty", "io.vertx", "org.flywaydb"}) {
            context.getLogger(quieter).setLevel(Level.WARN);
        }
        workerLinesThrough(context, stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Writes the workers' console lines still queued (for at most a second) and stops their
     * queue; for the end of the process, when nothing else would write them.
     */
    public static void flushWorkerLines() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Appender<ILoggingEvent> queue = context.getLogger(WORKER_LOGGER).getAppender("WORKERS");
            if (queue != null) {
                queue.stop();
            }
        }
    }

    /** The logger of workers' console lines. */
    static final String WORKER_LOGGER = "tenantd.worker";
    /** Workers' console lines waiting to be written; past this, more are dropped. */
    static final int WORKER_QUEUE = 1_024;

    /**
     * Workers' console lines go to {@code out} through a queue of their own that never blocks
     * ({@link WorkerLineQueue}): they are written on JS threads, which every tenant shares, and
     * standard error may be a pipe its reader empties slowly. When the queue is full, lines are
     * dropped, not waited for, and no worker takes its last quarter from the others.
     */
    static void workerLinesThrough(LoggerContext context, Appender<ILoggingEvent> out) {
        Logger workers = context.getLogger(WORKER_LOGGER);
        WorkerLineQueue queue = new WorkerLineQueue(out, workers, WORKER_QUEUE);
        queue.setContext(context);
        queue.setName("WORKERS");
        queue.start();
        workers.setAdditive(false);
        workers.addAppender(queue);
    }
}
