package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * Who an invocation, or a call through a binding, comes from: how many workers calling
 * workers lead to it (0 for a request from outside), and, for a JS RPC call, the way back to
 * the functions and {@code RpcTarget}s the caller passed as arguments. {@code requestId} names
 * the client request the whole chain serves, so that every invocation it causes can be
 * linked; it is empty until the platform gives a request from outside one.
 *
 * <p>A call from a user worker, or from a worker a user worker called, carries that invocation's
 * {@link CallBudget}, which the invocation it starts spends too, and its outbound worker, if it
 * has one: a user worker's own binding to another user worker (or to itself) cannot lead out of
 * its outbound worker or its limits.
 *
 * <p>{@code onBehalfOf} names the user worker whose invocation a chain of calls serves (the
 * first one in it, as the platform names scripts): the platform's workers it calls, its outbound
 * worker included, make their subrequests in that user worker's name, so that one tenant's
 * subrequests wait for its own share of the server's connections, not every tenant's.
 */
public record Caller(int depth, Optional<RpcCallbacks> callbacks, String requestId, boolean fromTail,
        Optional<CallBudget> budget, Optional<OutboundFetch> outbound, Optional<Object> onBehalfOf) {
    /** A request from outside. */
    public static final Caller OUTSIDE = new Caller(0, Optional.empty());
    /**
     * The header a worker's {@code fetch()} to the network carries, with the depth of the call it
     * makes: a request that comes back to this server through the network goes on at that depth,
     * so that a worker calling its own public host name meets the depth limit as bindings do.
     */
    public static final String DEPTH_HEADER = "x-tenantd-depth";
    /**
     * A Tail Worker's run: what it calls, and what those call, is {@link #fromTail} and reaches
     * no Tail Worker itself, so a consumer that calls the workers it tails cannot feed itself.
     */
    public static final Caller TAIL = new Caller(0, Optional.empty(), "", true);

    public Caller {
        Objects.requireNonNull(callbacks, "callbacks");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(onBehalfOf, "onBehalfOf");
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

    /** A caller with no budget or outbound worker to hand on (the platform's own calls). */
    public Caller(int depth, Optional<RpcCallbacks> callbacks, String requestId, boolean fromTail) {
        this(depth, callbacks, requestId, fromTail, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The caller of an invocation that this call starts: one level deeper, with the same way back, request, budget and outbound. */
    public Caller next() {
        return new Caller(depth + 1, callbacks, requestId, fromTail, budget, outbound, onBehalfOf);
    }

    /** This caller, serving the client request {@code id}. */
    public Caller withRequestId(String id) {
        return new Caller(depth, callbacks, id, fromTail, budget, outbound, onBehalfOf);
    }

    /** The caller of calls that {@code owner}'s code makes itself (not through a passed callback): its depth, request and origin. */
    static Caller of(Invocation owner) {
        return owner == null ? OUTSIDE : of(owner, Optional.empty());
    }

    /** The caller of calls {@code owner} makes, with {@code callbacks} the way back into it. */
    static Caller of(Invocation owner, Optional<RpcCallbacks> callbacks) {
        return new Caller(owner.depth(), callbacks, owner.caller.requestId(), owner.caller.fromTail(),
                owner.budget.linked() ? Optional.of(owner.budget) : Optional.empty(), owner.outbound,
                owner.caller.onBehalfOf());
    }

    /**
     * This caller, starting the chain of user worker {@code user} (its budget, and whose name its
     * subrequests are made in) unless it is in one already.
     */
    public Caller inChain(Object user) {
        return budget.isPresent() && onBehalfOf.isPresent() ? this : new Caller(depth, callbacks, requestId, fromTail,
                budget.isPresent() ? budget : Optional.of(CallBudget.chainStart()), outbound,
                onBehalfOf.isPresent() ? onBehalfOf : Optional.of(user));
    }

    /** This caller, making its subrequests in {@code user}'s name. */
    public Caller onBehalfOf(Object user) {
        return new Caller(depth, callbacks, requestId, fromTail, budget, outbound, Optional.of(user));
    }
}
