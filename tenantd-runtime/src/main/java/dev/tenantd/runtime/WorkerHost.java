package dev.tenantd.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * What a worker's isolate asks of the platform: subrequests, calls through its channel
 * bindings, logs. Futures may complete on any thread; the isolate posts the result back
 * to its own mailbox. Failures should be {@link InvocationException}s, whose error name
 * and message reach the worker as a JS error.
 */
public interface WorkerHost {

    /**
     * {@code fetch()} made by the worker, when its invocation has no
     * {@link InvocationOptions#outbound() outbound}: the platform applies egress rules.
     */
    CompletableFuture<WorkerResponse> fetch(WorkerRequest request);

    /**
     * {@code fetch()} made by an invocation with this {@code caller}: by default as
     * {@link #fetch(WorkerRequest)}; a platform makes it in the name of the user worker the
     * caller acts for ({@link Caller#onBehalfOf()}), if any.
     */
    default CompletableFuture<WorkerResponse> fetch(WorkerRequest request, Caller caller) {
        return fetch(request);
    }

    /** A call on one of the worker's {@link Binding.Channel channel bindings}. */
    CompletableFuture<ChannelReply> call(ChannelCall call);

    /**
     * A call on a channel binding that is answered at once, without waiting on I/O (from
     * memory); it runs on the isolate's thread, so it must never block.
     */
    String callNow(ChannelCall call);

    /**
     * A TCP connection for {@code connect()} of {@code cloudflare:sockets}; the platform applies
     * its egress rules. Hosts that offer no sockets refuse.
     */
    default CompletableFuture<HostSocket> connect(SocketRequest request) {
        return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                "TCP sockets are not available here."));
    }

    /** A console line written by the worker. */
    void log(LogLine line);

    /** An invocation is over; its outcome and what it spent. */
    default void invocationEnded(InvocationRecord record) {
    }

    /**
     * The observer of one event of a WebSocket the worker accepted ({@code message} or
     * {@code close}), which runs as an invocation of its own: a tail sees each.
     */
    default InvocationObserver observeWebSocketEvent(String type) {
        return InvocationObserver.NONE;
    }

    /** A host that refuses every call: used to validate uploads. */
    static WorkerHost refusing() {
        return new WorkerHost() {
            @Override
            public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
                return CompletableFuture.failedFuture(refusal());
            }

            @Override
            public CompletableFuture<ChannelReply> call(ChannelCall call) {
                return CompletableFuture.failedFuture(refusal());
            }

            @Override
            public String callNow(ChannelCall call) {
                throw refusal();
            }

            private InvocationException refusal() {
                return new InvocationException(Outcome.EXCEPTION, "I/O is not available while a script is validated");
            }

            @Override
            public void log(LogLine line) {
            }
        };
    }
}
