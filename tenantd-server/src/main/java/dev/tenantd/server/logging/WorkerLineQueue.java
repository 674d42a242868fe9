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
 * <p>The queue is shared by every worker, so its last quarter is kept for the workers that hold
 * less than a quarter of it: one worker logging as fast as it can (its script is the line's
 * first argument) fills three quarters at most, and the other tenants' lines still get through.
 */
final class WorkerLineQueue extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** How long {@link #stop} waits for the lines still queued to be written. */
    static final long FLUSH_MILLIS = 1_000;

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
            if (stopping || queued >= capacity || (queued >= capacity - capacity / 4 && ownLines >= capacity / 4)) {
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
        while (true) {
            ILoggingEvent line;
            long reported = 0;
            synchronized (lines) {
                while (lines.isEmpty() && !stopping) {
                    try {
                        lines.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                line = lines.poll();
                if (line == null) {
                    return;
                }
                held.computeIfPresent(owner(line), (worker, n) -> n > 1 ? n - 1 : null);
                if (leftOut > 0 && lines.size() < capacity / 2) {
                    reported = leftOut;
                    leftOut = 0;
                }
            }
            out.doAppend(line);
            if (reported > 0) {
                out.doAppend(new LoggingEvent(Logger.FQCN, reporter, Level.WARN,
                        "{} console lines of workers were left out of this log: they came faster than it is written "
                                + "(each worker may fill three quarters of a queue of {} lines).",
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
