package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * Who an invocation, or a call through a binding, comes from: how many workers calling
 * workers lead to it (0 for a request from outside), and, for a JS RPC call, the way back to
 * the functions and {@code RpcTarget}s the caller passed as arguments.
 */
public record Caller(int depth, Optional<RpcCallbacks> callbacks) {
    /** A request from outside. */
    public static final Caller OUTSIDE = new Caller(0, Optional.empty());

    public Caller {
        Objects.requireNonNull(callbacks, "callbacks");
        if (depth < 0) {
            throw new IllegalArgumentException("depth must not be negative");
        }
    }

    /** The caller of an invocation that this call starts: one level deeper, with the same way back. */
    public Caller next() {
        return new Caller(depth + 1, callbacks);
    }
}
