package dev.tenantd.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;

/**
 * Name lookups for workers' {@code fetch()}, WebSockets and {@code connect()}, checked against
 * the egress policies ({@link Egress#resolveAllowed}). The JDK's resolver blocks a thread per
 * lookup, for as long as the name servers take, and names that never answer are a worker's
 * choice: so lookups run on threads of their own, never on the pool the API, KV, D1 and the
 * metrics share, and an IP literal, which needs no lookup, takes no thread at all.
 */
final class NameLookups implements AutoCloseable {
    /** Lookups running at once; more wait for one of them. */
    static final int THREADS = 32;

    private final WorkerExecutor executor;

    NameLookups(Vertx vertx) {
        this.executor = vertx.createSharedWorkerExecutor("tenantd-name-lookups", THREADS);
    }

    /** The checked address to connect to for {@code host}; {@code what} starts a refusal's message. */
    Future<InetAddress> resolve(String host, EgressPolicies policies, String what) {
        if (Egress.isIpLiteral(Egress.unbracketed(host))) {
            try {
                return Future.succeededFuture(Egress.resolveAllowed(host, policies, what));
            } catch (RuntimeException refused) {
                return Future.failedFuture(refused);
            }
        }
        // unordered: one slow name must not hold up the lookups queued after it
        return executor.executeBlocking(() -> Egress.resolveAllowed(host, policies, what), false);
    }

    @Override
    public void close() {
        executor.close();
    }
}
