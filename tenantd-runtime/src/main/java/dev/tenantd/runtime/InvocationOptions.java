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
 * @param caller   who started the invocation: the calls it makes through bindings carry its
 *                 depth on, and an RPC target reaches back the functions it was passed through it
 * @param entrypoint the export of the main module the invocation enters, and its {@code ctx.props}
 */
public record InvocationOptions(InvocationLimits limits, String envJson, Optional<OutboundFetch> outbound,
        InvocationObserver observer, Caller caller, Entrypoint entrypoint) {
    public InvocationOptions {
        Objects.requireNonNull(limits);
        Objects.requireNonNull(envJson);
        Objects.requireNonNull(outbound);
        Objects.requireNonNull(observer);
        Objects.requireNonNull(caller);
        Objects.requireNonNull(entrypoint);
    }

    /** An invocation of the default entrypoint, for a request from outside. */
    public InvocationOptions(InvocationLimits limits, String envJson, Optional<OutboundFetch> outbound,
            InvocationObserver observer) {
        this(limits, envJson, outbound, observer, Caller.OUTSIDE, Entrypoint.DEFAULT);
    }

    public static InvocationOptions of(InvocationLimits limits) {
        return new InvocationOptions(limits, "", Optional.empty(), InvocationObserver.NONE);
    }
}
