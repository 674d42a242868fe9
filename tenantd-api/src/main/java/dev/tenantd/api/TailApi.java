package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.Platform;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.Tail;
import dev.tenantd.platform.TailSink;
import dev.tenantd.platform.Tails;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code wrangler tail}: creating, listing and deleting tails of a plain worker,
 * and the WebSocket that streams a tail's events. The socket's URL carries the
 * tail's own credential, because wrangler sends no Authorization header on it;
 * it is the one API path that the token check does not guard.
 */
final class TailApi {
    private static final Logger LOG = LoggerFactory.getLogger(TailApi.class);
    /** What wrangler asks for and Cloudflare answers; the API listener is configured to agree. */
    static final String SUBPROTOCOL = "trace-v1";
    static final String SOCKET_PATH = ControlApi.PREFIX + "/tails/:id/:secret";
    private static final long SWEEP_EVERY_MS = 60_000;
    /** Events written to a client but not yet flushed to its socket before further ones are dropped. */
    private static final int MAX_PENDING_EVENTS = 256;

    private final Platform platform;

    TailApi(Vertx vertx, Platform platform) {
        this.platform = platform;
        vertx.setPeriodic(SWEEP_EVERY_MS, id -> tails().sweep(dev.tenantd.platform.SteadyClock.now()));
    }

    private Tails tails() {
        return platform.tails();
    }

    /** Mounts the WebSocket route; it must come before the API's body handler and token check. */
    void mountSocket(Router router) {
        router.get(SOCKET_PATH).handler(this::connect);
    }

    // ---- REST, behind the token check; ControlApi resolves the script reference

    JsonNode create(ScriptRef script, RoutingContext ctx) {
        platform.scripts().get(script);
        JsonNode filters = null;
        byte[] body = RequestBody.of(ctx).bytes();
        if (body.length > 0) {
            try {
                JsonNode node = Envelope.JSON.readTree(body);
                if (node != null && !node.isObject()) {
                    throw new ApiError(400, 10014, "The body must be a JSON object such as {\"filters\": []}.");
                }
                filters = node == null ? null : node.get("filters");
            } catch (IOException e) {
                throw new ApiError(400, 10014, "The request body is not valid JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return tailJson(platform.scripts().createTail(script, filters, dev.tenantd.platform.SteadyClock.now()), ctx);
    }

    JsonNode list(ScriptRef script, RoutingContext ctx) {
        platform.scripts().get(script);
        ArrayNode list = Envelope.JSON.createArrayNode();
        tails().list(script, dev.tenantd.platform.SteadyClock.now()).forEach(t -> list.add(tailJson(t, ctx)));
        return list;
    }

    JsonNode delete(ScriptRef script, RoutingContext ctx) {
        String id = ctx.pathParam("tail");
        if (!tails().delete(script, id)) {
            throw new ApiError(404, 10007, "There is no tail '" + id + "' of worker '" + script.name() + "'.");
        }
        return null;
    }

    /** {@code {id, url, expires_at}}; the URL names this server as the client reached it. */
    private static ObjectNode tailJson(Tail tail, RoutingContext ctx) {
        String host = ctx.request().getHeader("host");
        if (host == null || host.isBlank()) {
            host = ctx.request().localAddress().host() + ":" + ctx.request().localAddress().port();
        }
        String scheme = ctx.request().isSSL() ? "wss://" : "ws://";
        ObjectNode o = Envelope.JSON.createObjectNode();
        o.put("id", tail.id())
                .put("url", scheme + host + ControlApi.PREFIX + "/tails/" + tail.id() + "/" + tail.secret())
                .put("expires_at", tail.expiresAt().toString());
        return o;
    }

    // ---- the WebSocket

    private void connect(RoutingContext ctx) {
        Optional<Tail> tail = tails().find(ctx.pathParam("id"), ctx.pathParam("secret"), dev.tenantd.platform.SteadyClock.now());
        if (tail.isEmpty()) {
            Envelope.error(ctx.response(), new ApiError(404, 10007,
                    "This tail does not exist or has expired; create a new one with POST .../workers/scripts/{name}/tails."));
            return;
        }
        if (!ctx.request().canUpgradeToWebSocket()) {
            Envelope.error(ctx.response(), new ApiError(400, 10014,
                    "Connect to this URL with a WebSocket (subprotocol " + SUBPROTOCOL + ")."));
            return;
        }
        ctx.request().toWebSocket().onSuccess(ws -> attach(tail.get(), ws))
                .onFailure(e -> LOG.info("tail {}: WebSocket upgrade failed: {}", tail.get().id(), e.toString()));
    }

    private void attach(Tail tail, ServerWebSocket ws) {
        SocketSink sink = new SocketSink(ws);
        // The client's frames ({"debug": false}) ask for nothing this server varies.
        ws.handler(frame -> { });
        ws.exceptionHandler(e -> LOG.debug("tail {}: {}", tail.id(), e.toString()));
        ws.closeHandler(v -> tails().disconnected(tail, sink));
        if (!tails().connect(tail, sink)) {
            sink.close();
        } else if (ws.isClosed()) {
            // Closed before it was connected: the close handler found nothing to end.
            tails().disconnected(tail, sink);
        }
    }

    /** Writes events without waiting; a client whose socket is backed up loses events instead of slowing workers. */
    private static final class SocketSink implements TailSink {
        private final ServerWebSocket ws;
        private final AtomicInteger pending = new AtomicInteger();

        SocketSink(ServerWebSocket ws) {
            this.ws = ws;
        }

        @Override
        public boolean offer(String eventJson) {
            if (ws.isClosed()) {
                return true;
            }
            try {
                if (ws.writeQueueFull() || pending.get() >= MAX_PENDING_EVENTS) {
                    return false;
                }
            } catch (IllegalStateException closedMeanwhile) {
                return true;
            }
            pending.incrementAndGet();
            ws.writeTextMessage(eventJson).onComplete(r -> pending.decrementAndGet());
            return true;
        }

        @Override
        public void close() {
            if (!ws.isClosed()) {
                ws.close((short) 1000, "tail ended");
            }
        }
    }
}
