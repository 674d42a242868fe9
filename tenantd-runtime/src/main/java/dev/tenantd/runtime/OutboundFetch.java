package dev.tenantd.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * Where one invocation's {@code fetch()} calls go instead of the host's egress: an
 * outbound worker that sees (and may change or refuse) every subrequest.
 */
@FunctionalInterface
public interface OutboundFetch {
    CompletableFuture<WorkerResponse> fetch(WorkerRequest request);
}
