package dev.tenantd.platform.observability;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Which stored invocations of one account to list, newest first. Every present filter must
 * match; {@code text} is found in console lines or the exception; {@code after} continues a
 * listing where its previous page ended.
 */
public record InvocationQuery(
        String accountId,
        Optional<String> namespace,
        Optional<String> script,
        Optional<String> tag,
        Optional<String> outcome,
        OptionalInt status,
        OptionalLong sinceMillis,
        OptionalLong untilMillis,
        Optional<String> text,
        Optional<String> requestId,
        int limit,
        Optional<InvocationCursor> after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public InvocationQuery {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(sinceMillis, "sinceMillis");
        Objects.requireNonNull(untilMillis, "untilMillis");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    /** Every invocation of an account, the newest {@link #DEFAULT_LIMIT} first. */
    public static InvocationQuery all(String accountId) {
        return new InvocationQuery(accountId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(),
                DEFAULT_LIMIT, Optional.empty());
    }

    public InvocationQuery withScript(String namespace, String script) {
        return new InvocationQuery(accountId, Optional.of(namespace), Optional.of(script), tag, outcome, status,
                sinceMillis, untilMillis, text, requestId, limit, after);
    }

    public InvocationQuery withRequestId(String id) {
        return new InvocationQuery(accountId, namespace, script, tag, outcome, status, sinceMillis, untilMillis, text,
                Optional.of(id), limit, after);
    }

    public InvocationQuery withText(String value) {
        return new InvocationQuery(accountId, namespace, script, tag, outcome, status, sinceMillis, untilMillis,
                Optional.of(value), requestId, limit, after);
    }

    /** The same query for records from {@code floorMillis} on at the earliest. */
    public InvocationQuery sinceAtLeast(long floorMillis) {
        long since = Math.max(floorMillis, sinceMillis.orElse(Long.MIN_VALUE));
        return new InvocationQuery(accountId, namespace, script, tag, outcome, status, OptionalLong.of(since), untilMillis,
                text, requestId, limit, after);
    }

    public InvocationQuery withLimit(int value) {
        return new InvocationQuery(accountId, namespace, script, tag, outcome, status, sinceMillis, untilMillis, text,
                requestId, value, after);
    }

    public InvocationQuery after(InvocationCursor cursor) {
        return new InvocationQuery(accountId, namespace, script, tag, outcome, status, sinceMillis, untilMillis, text,
                requestId, limit, Optional.of(cursor));
    }
}
