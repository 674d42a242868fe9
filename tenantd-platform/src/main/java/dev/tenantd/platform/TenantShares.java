package dev.tenantd.platform;

import dev.tenantd.runtime.BodyStream;
import dev.tenantd.runtime.WorkerResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * How much of a worker that serves every tenant one tenant may hold: a dispatch worker's
 * invocations waiting for one user worker, or an outbound worker's invocations serving one user
 * worker's subrequests. Such a worker has one cap of invocations in flight
 * ({@code [limits] concurrent-invocations}) for all; a user worker that answers slowly, or
 * sends its subrequests to a server that never answers, would otherwise fill it, and every other
 * tenant's requests would be refused. Once the shared worker has half its cap in flight, a
 * tenant holding a quarter of it has further calls refused at once; and once it has three
 * quarters in flight, the last quarter is kept for tenants holding none: a tenant that holds a
 * call already has further ones refused too. So a few tenants cannot fill the cap, only as many as the last
 * quarter has places, each holding one call. A call is held until its answer's body has been
 * read, or cancelled.
 */
final class TenantShares {
    /** What the shared worker is to the tenant: a call of one may also be a call of the other, counted apart. */
    enum Role { DISPATCH, OUTBOUND }

    private record Key(Role role, ScriptRef shared, ScriptRef holder) {
    }

    private final ConcurrentHashMap<Key, Integer> held = new ConcurrentHashMap<>();
    private final int cap;
    private final int share;

    /** What {@link #take} answers: the call held, or refused for one of two reasons. */
    sealed interface Taken {
    }

    /** The call is held; {@code release} lets it go (once). */
    record Held(Runnable release) implements Taken {
    }

    /** The tenant holds its quarter of a worker with half its cap in flight. */
    record OverShare() implements Taken {
    }

    /** The worker has three quarters of its cap in flight, the rest kept for tenants holding none, and this one holds some. */
    record Reserved() implements Taken {
    }

    /** @param cap the invocations in flight a worker may have; a tenant holds at most a quarter (at least 1) under pressure */
    TenantShares(int cap) {
        this.cap = cap;
        this.share = Math.max(1, cap / 4);
    }

    /** The calls one tenant may hold of one shared worker at once, while it is under pressure. */
    int share() {
        return share;
    }

    /**
     * Counts one more call of {@code holder} held by {@code shared}, which has {@code inFlight}
     * invocations in flight: held, or refused when {@code holder} holds calls already and the
     * shared worker is past half its cap (with {@code holder} at its share) or past three quarters.
     */
    Taken take(Role role, ScriptRef shared, ScriptRef holder, IntSupplier inFlight) {
        Key key = new Key(role, shared, holder);
        int holding = held.merge(key, 1, Integer::sum);
        if (holding > 1) {
            int busy = inFlight.getAsInt();
            Taken refused = holding > share && busy >= cap / 2 ? new OverShare()
                    : busy >= cap - cap / 4 ? new Reserved() : null;
            if (refused != null) {
                release(key);
                return refused;
            }
        }
        AtomicBoolean released = new AtomicBoolean();
        return new Held(() -> {
            if (released.compareAndSet(false, true)) {
                release(key);
            }
        });
    }

    /**
     * Lets go of {@code release} once {@code answer} is over: at once for a failure or a body
     * read whole, else when its streamed body ends, fails or is cancelled.
     */
    static CompletableFuture<WorkerResponse> heldUntilRead(CompletableFuture<WorkerResponse> answer, Runnable release) {
        return answer.handle((response, error) -> {
            if (error != null || response.stream().isEmpty()) {
                release.run();
                if (error != null) {
                    throw error instanceof java.util.concurrent.CompletionException c ? c
                            : new java.util.concurrent.CompletionException(error);
                }
                return response;
            }
            return new WorkerResponse(response.status(), response.statusText(), response.headers(), response.body(),
                    response.url(), response.redirects(), response.webSocket(),
                    Optional.of(releasing(response.stream().get(), release)));
        });
    }

    /** {@code stream}, running {@code release} when it ends, fails or is cancelled. */
    private static BodyStream releasing(BodyStream stream, Runnable release) {
        return new BodyStream() {
            @Override
            public CompletableFuture<Optional<byte[]>> read() {
                return stream.read().whenComplete((chunk, error) -> {
                    if (error != null || chunk.isEmpty()) {
                        release.run();
                    }
                });
            }

            @Override
            public void cancel() {
                release.run();
                stream.cancel();
            }

            @Override
            public long length() {
                return stream.length();
            }
        };
    }

    /** Pairs of shared worker and tenant holding calls now (the table keeps no others). */
    int pairs() {
        return held.size();
    }

    private void release(Key key) {
        held.compute(key, (k, n) -> n == null || n <= 1 ? null : n - 1);
    }
}
