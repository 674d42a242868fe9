package dev.tenantd.runtime;

import java.util.Objects;

/**
 * An invocation or host call that ended without a response. The outcome says
 * why; the message is what a calling worker sees as {@code error.message}.
 */
public final class InvocationException extends TenantdException {
    private final Outcome outcome;
    private final String errorName;
    private final boolean notStarted;

    public InvocationException(Outcome outcome, String message) {
        this(outcome, "Error", message);
    }

    public InvocationException(Outcome outcome, String errorName, String message) {
        this(outcome, errorName, message, false);
    }

    private InvocationException(Outcome outcome, String errorName, String message, boolean notStarted) {
        super(message);
        this.outcome = Objects.requireNonNull(outcome);
        this.errorName = Objects.requireNonNull(errorName);
        this.notStarted = notStarted;
    }

    /**
     * An invocation refused before any of the worker's code ran for it: its isolate was closed
     * between being handed the request and starting it. Nothing happened, so it may be sent again.
     */
    public static InvocationException notStarted(String message) {
        return new InvocationException(Outcome.CANCELED, "Error", message, true);
    }

    /** Whether no code ran for the invocation (see {@link #notStarted}). */
    public boolean notStarted() {
        return notStarted;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The JS error type to raise in a calling worker: Error, TypeError, ... */
    public String errorName() {
        return errorName;
    }
}
