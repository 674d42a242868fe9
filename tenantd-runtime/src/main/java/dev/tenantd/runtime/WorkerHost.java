package dev.tenantd.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * What a worker's isolate asks of the platform: subrequests, dispatch and
 * service calls, logs. Futures may complete on any thread; the isolate posts
 * the result back to its own mailbox. Failures should be
 * {@link InvocationException}s, whose message reaches the worker as an Error.
 */
public interface WorkerHost {

    /**
     * {@code fetch()} made by the worker: the platform applies egress rules.
     * {@code context} is the invocation's {@link InvocationOptions#hostContext()}.
     */
    CompletableFuture<WorkerResponse> fetch(WorkerRequest request, java.util.Optional<Object> context);

    /** Whether {@code script} exists behind the dispatch binding, answered at once from memory. */
    boolean dispatchTargetExists(String binding, String script);

    /** {@code env[binding].get(script, args, options).fetch(request)}; options are JSON. */
    CompletableFuture<WorkerResponse> dispatch(String binding, String script, WorkerRequest request, String optionsJson);

    /** {@code env[binding].fetch(request)} for a service binding. */
    CompletableFuture<WorkerResponse> service(String binding, WorkerRequest request);

    /** A console line written by the worker. */
    void log(LogLine line);

    /** An invocation is over; its outcome and what it spent. */
    default void invocationEnded(InvocationRecord record) {
    }

    /** A host that refuses every call: used to validate uploads. */
    static WorkerHost refusing() {
        return new WorkerHost() {
            @Override
            public CompletableFuture<WorkerResponse> fetch(WorkerRequest request, java.util.Optional<Object> context) {
                return refused();
            }

            private CompletableFuture<WorkerResponse> refused() {
                return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION,
                        "fetch is not available while a script is validated"));
            }

            @Override
            public boolean dispatchTargetExists(String binding, String script) {
                return false;
            }

            @Override
            public CompletableFuture<WorkerResponse> dispatch(String binding, String script, WorkerRequest request,
                    String optionsJson) {
                return refused();
            }

            @Override
            public CompletableFuture<WorkerResponse> service(String binding, WorkerRequest request) {
                return refused();
            }

            @Override
            public void log(LogLine line) {
            }
        };
    }
}
