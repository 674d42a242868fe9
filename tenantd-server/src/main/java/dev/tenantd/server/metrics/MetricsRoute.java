package dev.tenantd.server.metrics;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code GET /metrics} on the API listener: the Prometheus text of {@link ServerMetrics}.
 * The text names every namespace (and with {@code per-script}, every script), so unless
 * {@code [metrics] public = true} it is served only to a request with {@code Authorization:
 * Bearer <token>} where the token is the one tenantd was started with: the operator's, not
 * any account's. Refusals are plain text, as a scraper shows them in its target's error:
 * 401 without a token, 403 with another one.
 */
public final class MetricsRoute {
    /** Prometheus text format 0.0.4, which every Prometheus-compatible scraper reads. */
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;
    private final byte[] operatorTokenHash;

    private MetricsRoute(ServerMetrics metrics, String operatorToken) {
        this.metrics = metrics;
        this.operatorTokenHash = sha256(operatorToken);
    }

    /** Adds {@code GET /metrics} to the API router. */
    public static void mount(Router router, Vertx vertx, ServerMetrics metrics, String operatorToken) {
        MetricsRoute route = new MetricsRoute(metrics, operatorToken);
        router.get("/metrics").handler(ctx -> route.handle(vertx, ctx));
    }

    private void handle(Vertx vertx, RoutingContext ctx) {
        if (metrics.config().access() == MetricsConfig.Access.TOKEN) {
            String authorization = ctx.request().getHeader("authorization");
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    || authorization.substring(7).isBlank()) {
                refuse(ctx, 401, "Metrics need 'Authorization: Bearer <token>' with the API token tenantd was started "
                        + "with, or '[metrics] public = true' in tenantd.toml.\n");
                return;
            }
            // Digests of equal length compared in constant time: the answer's timing says nothing of the token.
            if (!MessageDigest.isEqual(operatorTokenHash, sha256(authorization.substring(7).strip()))) {
                refuse(ctx, 403, "This token may not read metrics: only the API token tenantd was started with may.\n");
                return;
            }
        }
        // A scrape walks every meter; off the event loop, so a large one never delays other requests.
        vertx.executeBlocking(metrics::scrape, false).onComplete(result -> {
            if (result.failed()) {
                ctx.response().setStatusCode(500).putHeader("content-type", "text/plain; charset=utf-8")
                        .end("Metrics could not be collected: " + result.cause() + "\n");
                return;
            }
            ctx.response().putHeader("content-type", CONTENT_TYPE).putHeader("cache-control", "no-store")
                    .end(result.result());
        });
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8");
        if (status == 401) {
            ctx.response().putHeader("www-authenticate", "Bearer realm=\"tenantd metrics\"");
        }
        ctx.response().end(message);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
