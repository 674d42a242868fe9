package dev.tenantd.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Workers' console lines on their way to the server's log: a queue of at most {@code capacity}
 * lines, written to {@code out} by a thread of its own, that never makes a worker wait. Lines
 * that find it full are left out, and counted: the count is logged once the queue has room
 * again.
 *
 * <p>The queue is shared by every worker (its script is the line's first argument), so its last
 * quarter is kept for the workers that hold less than a quarter of it, and there each may take
 * at most half of the room left: one worker logging as fast as it can fills three quarters at
 * most, a second one that then does the same an eighth, and the other tenants' lines still get
 * through. The count of lines left out is logged at most a second after the first of them.
 */
final class WorkerLineQueue extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** How long {@link #stop} waits for the lines still queued to be written. */
    static final long FLUSH_MILLIS = 1_000;
    /** How often, at most, the count of lines left out is logged while lines keep being left out. */
    private static final long REPORT_EVERY_NANOS = 1_000_000_000L;

    private final Appender<ILoggingEvent> out;
    private final Logger reporter;
    private final int capacity;
    private final ArrayDeque<ILoggingEvent> lines = new ArrayDeque<>();
    /** Lines queued per worker; a worker with none has no entry. */
    private final Map<String, Integer> held = new HashMap<>();
    private long leftOut;
    private boolean stopping;
    private Thread writer;

    /** {@code reporter} is the logger the count of lines left out is logged as. */
    WorkerLineQueue(Appender<ILoggingEvent> out, Logger reporter, int capacity) {
        if (capacity < 4) {
            throw new IllegalArgumentException("a queue of at least 4 lines");
        }
        this.out = out;
        this.reporter = reporter;
        this.capacity = capacity;
    }

    @Override
    public void start() {
        synchronized (lines) {
            stopping = false;
            writer = Thread.ofPlatform().daemon().name("tenantd-worker-lines").unstarted(this::write);
            lines.notifyAll(); // a writer of an earlier start still waiting sees it is replaced
        }
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent line) {
        String worker = owner(line);
        line.prepareForDeferredProcessing();
        synchronized (lines) {
            int queued = lines.size();
            int ownLines = held.getOrDefault(worker, 0);
            boolean lastQuarter = queued >= capacity - capacity / 4;
            if (stopping || queued >= capacity
                    || (lastQuarter && (ownLines >= capacity / 4 || ownLines >= (capacity - queued) / 2))) {
                leftOut++;
                return;
            }
            lines.add(line);
            held.put(worker, ownLines + 1);
            lines.notifyAll();
        }
    }

    /** Writes the lines still queued, for at most {@link #FLUSH_MILLIS}, and stops. */
    @Override
    public void stop() {
        Thread running;
        synchronized (lines) {
            stopping = true;
            lines.notifyAll();
            running = writer;
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(FLUSH_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        super.stop();
    }

    private void write() {
        long reportedAt = System.nanoTime();
        while (true) {
            ILoggingEvent line;
            long reported = 0;
            synchronized (lines) {
                while (lines.isEmpty() && !stopping && writer == Thread.currentThread()
                        && (leftOut == 0 || System.nanoTime() - reportedAt < REPORT_EVERY_NANOS)) {
                    try {
                        lines.wait(leftOut == 0 ? 0 : Math.max(1, (REPORT_EVERY_NANOS - (System.nanoTime() - reportedAt)) / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (writer != Thread.currentThread()) {
                    return; // a writer started after this one takes over
                }
                line = lines.poll();
                if (line != null) {
                    held.computeIfPresent(owner(line), (worker, n) -> n > 1 ? n - 1 : null);
                }
                if (leftOut > 0 && (lines.size() < capacity / 2 || System.nanoTime() - reportedAt >= REPORT_EVERY_NANOS)) {
                    reported = leftOut;
                    leftOut = 0;
                    reportedAt = System.nanoTime();
                }
                if (line == null && reported == 0) {
                    return; // stopping, and nothing is left
                }
            }
            if (line != null) {
                out.doAppend(line);
            }
            if (reported > 0) {
                out.doAppend(new LoggingEvent(Logger.FQCN, reporter, Level.WARN,
                        "{} console lines of workers were left out of this log: they came faster than it is written "
                                + "(one worker fills at most three quarters of a queue of {} lines).",
                        null, new Object[] {reported, capacity}));
            }
        }
    }

    /** The worker a console line is of: the first argument of its message, its script. */
    private static String owner(ILoggingEvent line) {
        Object[] arguments = line.getArgumentArray();
        return arguments == null || arguments.length == 0 ? "" : String.valueOf(arguments[0]);
    }
}
