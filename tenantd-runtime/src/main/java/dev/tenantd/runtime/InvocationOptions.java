package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * How one invocation runs: its limits, env values added for this invocation only
 * (an outbound worker's parameters), an opaque value handed back to the
 * {@link WorkerHost} with each of the invocation's subrequests, and who watches it.
 *
 * @param envJson     a JSON object merged over the worker's env for this invocation, or empty
 * @param hostContext what the host needs to route this invocation's subrequests
 * @param observer    told about the invocation's logs, exception, response and end
 */
public record InvocationOptions(InvocationLimits limits, String envJson, Optional<Object> hostContext,
        InvocationObserver observer) {
    public InvocationOptions {
        Objects.requireNonNull(limits);
        Objects.requireNonNull(envJson);
        Objects.requireNonNull(hostContext);
        Objects.requireNonNull(observer);
    }

    public InvocationOptions(InvocationLimits limits, String envJson, Optional<Object> hostContext) {
        this(limits, envJson, hostContext, InvocationObserver.NONE);
    }

    public static InvocationOptions of(InvocationLimits limits) {
        return new InvocationOptions(limits, "", Optional.empty());
    }
}
