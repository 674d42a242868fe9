package dev.tenantd.platform.observability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored invocation of a script: who ran, for which client request, how it ended, and
 * what it logged. {@code namespace} is the dispatch namespace's name, empty for a plain
 * worker; {@code path} never carries the query string and no header is kept.
 *
 * @param id          this record's id, given by the store: empty until the record is stored
 * @param timeMillis  when the invocation started, milliseconds since the epoch
 * @param requestId   shared by every invocation one client request caused
 * @param outcome     the outcome's wire name ({@code ok}, {@code exceededCpu}, ...)
 * @param status      the HTTP status the worker answered with, 0 when it answered none
 * @param logsTruncated whether console lines beyond the per-invocation cap were dropped
 */
public record InvocationEntry(
        String id,
        long timeMillis,
        String requestId,
        String accountId,
        String namespace,
        String script,
        String versionId,
        List<String> tags,
        String outcome,
        int status,
        double cpuMs,
        double wallMs,
        int subrequests,
        String method,
        String host,
        String path,
        List<LogLine> logs,
        boolean logsTruncated,
        Optional<ExceptionInfo> exception) {

    public InvocationEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(versionId, "versionId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(exception, "exception");
        tags = List.copyOf(tags);
        logs = List.copyOf(logs);
    }

    /**
     * A console call.
     *
     * @param messageJson the call's arguments as a JSON array
     */
    public record LogLine(String level, String messageJson, long timestampMillis) {
        public LogLine {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(messageJson, "messageJson");
        }
    }

    /** An exception the worker did not catch; {@code stack} is empty when the runtime does not report one. */
    public record ExceptionInfo(String name, String message, String stack, long timestampMillis) {
        public ExceptionInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(stack, "stack");
        }
    }

    /** The same record with its exception's stack replaced (mapped through source maps). */
    public InvocationEntry withStack(String stack) {
        Optional<ExceptionInfo> mapped = exception.map(e -> new ExceptionInfo(e.name(), e.message(), stack, e.timestampMillis()));
        return new InvocationEntry(id, timeMillis, requestId, accountId, namespace, script, versionId, tags, outcome, status,
                cpuMs, wallMs, subrequests, method, host, path, logs, logsTruncated, mapped);
    }

    /** The characters of an exception's message {@link #withoutText} keeps. */
    static final int SHORT_MESSAGE = 200;

    /**
     * The same record without what its worker wrote: no console lines ({@code logsTruncated}
     * set), and of an exception only its name and the start of its message. What it counts
     * (outcome, status, times, subrequests) is unchanged.
     */
    public InvocationEntry withoutText() {
        Optional<ExceptionInfo> named = exception.map(e -> new ExceptionInfo(e.name(),
                e.message().length() > SHORT_MESSAGE ? e.message().substring(0, SHORT_MESSAGE) + "…" : e.message(),
                "", e.timestampMillis()));
        return new InvocationEntry(id, timeMillis, requestId, accountId, namespace, script, versionId, tags, outcome, status,
                cpuMs, wallMs, subrequests, method, host, path, List.of(), logsTruncated || !logs.isEmpty(), named);
    }

    /** Roughly what the record takes in a store: what the size cap counts. */
    public long approximateBytes() {
        long n = 200L + id.length() + requestId.length() + utf8(accountId) + utf8(namespace) + utf8(script)
                + versionId.length() + method.length() + utf8(host) + utf8(path);
        for (String t : tags) {
            n += utf8(t) + 3;
        }
        for (LogLine l : logs) {
            n += l.level().length() + utf8(l.messageJson()) + 40;
        }
        n += exception.map(e -> utf8(e.name()) + utf8(e.message()) + utf8(e.stack()) + 40).orElse(0L);
        return n;
    }

    /** What {@code text} takes stored as UTF-8, as records are: up to three bytes a character. */
    static long utf8(String text) {
        return dev.tenantd.runtime.Utf8.length(text);
    }
}
