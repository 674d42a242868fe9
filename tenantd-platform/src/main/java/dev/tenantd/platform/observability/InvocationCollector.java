package dev.tenantd.platform.observability;

import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.InvocationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collects one recorded invocation while it runs and hands the finished record to the
 * {@link InvocationRecorder}'s queue. Its calls come from the isolate's thread, one at a time,
 * and do no I/O. Console output beyond {@link #MAX_LINES} lines or {@link #MAX_LOG_CHARS}
 * characters is dropped and the record marked truncated.
 */
final class InvocationCollector implements InvocationObserver {
    static final int MAX_LINES = 100;
    static final int MAX_LOG_CHARS = 32 * 1024;
    private static final int MAX_EXCEPTION_CHARS = 8 * 1024;

    private final InvocationRecorder recorder;
    private final InvocationSubject subject;
    private final long startMillis;
    private final List<InvocationEntry.LogLine> logs = new ArrayList<>();
    private int logChars;
    private boolean truncated;
    private Optional<InvocationEntry.ExceptionInfo> exception = Optional.empty();
    private int status;

    InvocationCollector(InvocationRecorder recorder, InvocationSubject subject, long startMillis) {
        this.recorder = recorder;
        this.subject = subject;
        this.startMillis = startMillis;
    }

    @Override
    public void log(String level, String messageJson, long timestampMillis) {
        if (logs.size() >= MAX_LINES || logChars + messageJson.length() > MAX_LOG_CHARS) {
            truncated = true;
            return;
        }
        logChars += messageJson.length();
        logs.add(new InvocationEntry.LogLine(level, messageJson, timestampMillis));
    }

    @Override
    public void exception(String name, String message, long timestampMillis) {
        exception(name, message, "", timestampMillis);
    }

    @Override
    public void exception(String name, String message, String stack, long timestampMillis) {
        if (exception.isEmpty()) {
            exception = Optional.of(new InvocationEntry.ExceptionInfo(cap(name, 200), cap(message, MAX_EXCEPTION_CHARS),
                    cap(workerFrames(stack), MAX_EXCEPTION_CHARS), timestampMillis));
        }
    }

    /** A V8 stack without the runtime's own frames ({@code tenantd:...}), which say nothing about the worker. */
    static String workerFrames(String stack) {
        if (stack == null || stack.isEmpty()) {
            return "";
        }
        return stack.lines().filter(line -> !line.contains("(tenantd:") && !line.trim().startsWith("at tenantd:"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @Override
    public void responded(int status) {
        this.status = status;
    }

    @Override
    public void ended(InvocationRecord record) {
        recorder.offer(new InvocationEntry("", startMillis, subject.requestId(), subject.accountId(),
                subject.namespace(), subject.script(), subject.versionId(), subject.tags(), record.outcome().wireName(),
                record.status() != 0 ? record.status() : status, record.cpuNanos() / 1e6, record.wallNanos() / 1e6,
                record.subrequests(), subject.method(), subject.host(), subject.path(), logs, truncated, exception));
    }

    private static String cap(String text, int max) {
        return text == null ? "" : text.length() <= max ? text : text.substring(0, max);
    }

}
