package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * How one invocation runs: its limits, env values added for this invocation only
 * (an outbound worker's parameters), and an opaque value handed back to the
 * {@link WorkerHost} with each of the invocation's subrequests.
 *
 * @param envJson     a JSON object merged over the worker's env for this invocation, or empty
 * @param hostContext what the host needs to route this invocation's subrequests
 */
public record InvocationOptions(InvocationLimits limits, String envJson, Optional<Object> hostContext) {
    public InvocationOptions {
        Objects.requireNonNull(limits);
        Objects.requireNonNull(envJson);
        Objects.requireNonNull(hostContext);
    }

    public static InvocationOptions of(InvocationLimits limits) {
        return new InvocationOptions(limits, "", Optional.empty());
    }
}
