package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A call a worker makes through one of its channel bindings ({@link Binding.Channel}):
 * the binding's JS wrapper names an operation and passes its arguments as one string
 * (JSON, as the wrapper chooses), raw bytes (a value to store, a body), and, for
 * calls that send a request to another worker, the request itself.
 *
 * @param channel   the channel number of the binding, as given in {@link Binding.Channel#channel()}
 * @param operation what the wrapper asks for ({@code get}, {@code put}, {@code query}, {@code fetch} ...)
 * @param args      the operation's arguments, as the wrapper encoded them (often JSON); may be empty
 * @param bytes     raw bytes that go with the call; empty when there are none
 * @param request   the request a fetch-shaped call carries
 * @param caller    the invocation that made the call: its depth, and the way back to what it passed
 */
public record ChannelCall(int channel, String operation, String args, byte[] bytes, Optional<WorkerRequest> request,
        Caller caller) {
    private static final byte[] EMPTY = new byte[0];

    public ChannelCall {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(caller, "caller");
        bytes = bytes == null ? EMPTY : bytes;
    }

    /** A call made by an invocation for a request from outside. */
    public ChannelCall(int channel, String operation, String args, byte[] bytes, Optional<WorkerRequest> request) {
        this(channel, operation, args, bytes, request, Caller.OUTSIDE);
    }

    /** A call with arguments and bytes and no request. */
    public static ChannelCall of(int channel, String operation, String args, byte[] bytes) {
        return new ChannelCall(channel, operation, args, bytes, Optional.empty());
    }
}
