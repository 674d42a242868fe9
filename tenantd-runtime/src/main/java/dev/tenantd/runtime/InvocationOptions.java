package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything one invocation carries besides its request: its limits, env values added
 * for this invocation only (an outbound worker's parameters), where its subrequests go,
 * and who watches it.
 *
 * @param envJson  a JSON object merged over the worker's env for this invocation, or empty
 * @param outbound where the invocation's {@code fetch()} calls go instead of the host's egress
 * @param observer told about the invocation's logs, exception, response and end
 * @param depth    how many invocations of workers calling workers lead to this one (0 for a
 *                 request from outside); the calls it makes through bindings carry it on
 */
public record InvocationOptions(InvocationLimits limits, String envJson, Optional<OutboundFetch> outbound,
        InvocationObserver observer, int depth) {
    public InvocationOptions {
        Objects.requireNonNull(limits);
        Objects.requireNonNull(envJson);
        Objects.requireNonNull(outbound);
        Objects.requireNonNull(observer);
        if (depth < 0) {
            throw new IllegalArgumentException("depth must not be negative");
        }
    }

    /** An invocation for a request from outside (depth 0). */
    public InvocationOptions(InvocationLimits limits, String envJson, Optional<OutboundFetch> outbound,
            InvocationObserver observer) {
        this(limits, envJson, outbound, observer, 0);
    }

    public static InvocationOptions of(InvocationLimits limits) {
        return new InvocationOptions(limits, "", Optional.empty(), InvocationObserver.NONE);
    }
}
