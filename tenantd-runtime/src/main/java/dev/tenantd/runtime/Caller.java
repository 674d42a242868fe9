package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * Who an invocation, or a call through a binding, comes from: how many workers calling
 * workers lead to it (0 for a request from outside), and, for a JS RPC call, the way back to
 * the functions and {@code RpcTarget}s the caller passed as arguments. {@code requestId} names
 * the client request the whole chain serves, so that every invocation it causes can be
 * linked; it is empty until the platform gives a request from outside one.
 */
public record Caller(int depth, Optional<RpcCallbacks> callbacks, String requestId, boolean fromTail) {
    /** A request from outside. */
    public static final Caller OUTSIDE = new Caller(0, Optional.empty());
    /**
     * A Tail Worker's run: what it calls, and what those call, is {@link #fromTail} and reaches
     * no Tail Worker itself, so a consumer that calls the workers it tails cannot feed itself.
     */
    public static final Caller TAIL = new Caller(0, Optional.empty(), "", true);

    public Caller {
        Objects.requireNonNull(callbacks, "callbacks");
        Objects.requireNonNull(requestId, "requestId");
        if (depth < 0) {
            throw new IllegalArgumentException("depth must not be negative");
        }
    }

    /** A caller with no request id yet. */
    public Caller(int depth, Optional<RpcCallbacks> callbacks) {
        this(depth, callbacks, "");
    }

    /** A caller that no Tail Worker's run leads to. */
    public Caller(int depth, Optional<RpcCallbacks> callbacks, String requestId) {
        this(depth, callbacks, requestId, false);
    }

    /** The caller of an invocation that this call starts: one level deeper, with the same way back and request. */
    public Caller next() {
        return new Caller(depth + 1, callbacks, requestId, fromTail);
    }

    /** This caller, serving the client request {@code id}. */
    public Caller withRequestId(String id) {
        return new Caller(depth, callbacks, id, fromTail);
    }

    /** The caller of calls that {@code owner}'s code makes itself (not through a passed callback): its depth, request and origin. */
    static Caller of(Invocation owner) {
        return owner == null ? OUTSIDE : new Caller(owner.depth(), Optional.empty(), owner.caller.requestId(),
                owner.caller.fromTail());
    }
}
