package dev.tenantd.runtime;

import java.util.Objects;

/**
 * An invocation or host call that ended without a response. The outcome says
 * why; the message is what a calling worker sees as {@code error.message}.
 */
public final class InvocationException extends TenantdException {
    private final Outcome outcome;
    private final String errorName;

    public InvocationException(Outcome outcome, String message) {
        this(outcome, "Error", message);
    }

    public InvocationException(Outcome outcome, String errorName, String message) {
        super(message);
        this.outcome = Objects.requireNonNull(outcome);
        this.errorName = Objects.requireNonNull(errorName);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The JS error type to raise in a calling worker: Error, TypeError, ... */
    public String errorName() {
        return errorName;
    }
}
