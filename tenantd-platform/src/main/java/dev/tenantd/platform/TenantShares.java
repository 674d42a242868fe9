package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How much of a worker that serves every tenant one tenant may hold: a dispatch worker's
 * invocations waiting for one user worker, or an outbound worker's invocations serving one user
 * worker's subrequests. Such a worker has one cap of invocations in flight
 * ({@code [limits] concurrent-invocations}) for all; a user worker that answers slowly, or
 * sends its subrequests to a server that never answers, would otherwise fill it, and every other
 * tenant's requests would be refused. Each may hold a quarter of it; past that its calls are
 * refused at once, and the others still get theirs.
 */
final class TenantShares {
    private record Key(ScriptRef shared, ScriptRef holder) {
    }

    private final ConcurrentHashMap<Key, Integer> held = new ConcurrentHashMap<>();
    private final int share;

    /** @param cap the invocations in flight a worker may have; a tenant holds at most a quarter (at least 1) */
    TenantShares(int cap) {
        this.share = Math.max(1, cap / 4);
    }

    /** The calls one tenant may hold of one shared worker at once. */
    int share() {
        return share;
    }

    /**
     * Runs {@code call} as one of {@code holder}'s calls held by {@code shared}, until it
     * completes; past its share, a {@link Outcome#LOAD_SHED} failure saying {@code refusal}.
     */
    <T> CompletableFuture<T> within(ScriptRef shared, ScriptRef holder, String refusal, Supplier<CompletableFuture<T>> call) {
        Key key = new Key(shared, holder);
        if (held.merge(key, 1, Integer::sum) > share) {
            release(key);
            return CompletableFuture.failedFuture(new InvocationException(Outcome.LOAD_SHED, refusal));
        }
        CompletableFuture<T> started;
        try {
            started = call.get();
        } catch (RuntimeException e) {
            release(key);
            return CompletableFuture.failedFuture(e);
        }
        return started.whenComplete((result, error) -> release(key));
    }

    /** Pairs of shared worker and tenant holding calls now (the table keeps no others). */
    int pairs() {
        return held.size();
    }

    private void release(Key key) {
        held.compute(key, (k, n) -> n == null || n <= 1 ? null : n - 1);
    }
}
