package dev.tenantd.api;

import dev.tenantd.platform.Connections;
import dev.tenantd.runtime.BodyBudget;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An answer of the API that may be large (a KV value of up to 25 MiB, a bulk read): it counts
 * against the budget for bodies in flight until its client has taken it, as a worker's
 * response does, so that clients asking for large answers and reading nothing cannot hold
 * the heap every tenant shares. One that does not fit is a 503; a client that takes next to
 * nothing while the budget is full is let go ({@link BodyBudget}).
 */
final class CountedAnswer {
    private CountedAnswer() {
    }

    /**
     * Sends {@code body} with {@code status}, {@code contentType} and the {@code headers} given as
     * name, value, ...; call on the connection's event loop.
     */
    static void send(RoutingContext ctx, BodyBudget bodies, int status, String contentType, byte[] body, String... headers) {
        HttpServerResponse out = ctx.response();
        if (out.ended() || out.closed()) {
            return;
        }
        if (body.length >= BodyBudget.COUNTED_FROM && !bodies.admits(body.length)) {
            Envelope.error(out, ApiError.bodiesBusy(bodies.refusal(body.length)));
            return;
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            out.putHeader(headers[i], headers[i + 1]);
        }
        if (body.length < BodyBudget.COUNTED_FROM) {
            Envelope.guarded(out).setStatusCode(status).putHeader("content-type", contentType).end(Buffer.buffer(body));
            return;
        }
        bodies.hold(body);
        HttpConnection connection = ctx.request().connection();
        AtomicBoolean handed = new AtomicBoolean();
        io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
        bodies.sending(body, () -> handed.get() ? Connections.unsentBytes(connection) : body.length, () -> {
            context.runOnContext(v -> out.reset());
            // The write it was queued for fails with the connection; the budget need not wait for that.
            bodies.release(body);
        });
        // The write completes once the connection took the last byte, or fails when it closes.
        Envelope.guarded(out).setStatusCode(status).putHeader("content-type", contentType).end(Buffer.buffer(body))
                .onComplete(ignored -> bodies.release(body));
        handed.set(true);
    }
}
