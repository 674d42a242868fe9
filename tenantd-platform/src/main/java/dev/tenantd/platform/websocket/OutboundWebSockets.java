package dev.tenantd.platform.websocket;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.runtime.websocket.WebSocketPipe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket connections a worker opens ({@code fetch()} with {@code Upgrade: websocket}, or
 * {@code new WebSocket(url)}): the egress has checked the address under the worker's
 * policies; the connection goes to that address, and the worker gets a 101 whose WebSocket
 * is one end of a pipe whose other end is bridged to the connection.
 */
public final class OutboundWebSockets implements AutoCloseable {
    /** Headers the handshake makes itself; a worker's copies are not sent. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "upgrade", "connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", "content-length",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    /**
     * How long a server may take to answer the handshake once connected: a server that takes
     * the connection and never answers would otherwise hold it, and the worker's wait, for good.
     */
    static final long HANDSHAKE_TIMEOUT_MS = 30_000;
    /** Open outbound WebSockets to one host and port, for all workers together; more wait for one to close. */
    static final int MAX_CONNECTIONS_PER_ENDPOINT = 10_000;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final long handshakeTimeoutMs;

    public OutboundWebSockets(Vertx vertx) {
        this(vertx, HANDSHAKE_TIMEOUT_MS);
    }

    OutboundWebSockets(Vertx vertx, long handshakeTimeoutMs) {
        this.vertx = vertx;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setConnectTimeout(10_000)
                // Vert.x keeps 50 per host and port by default and queues the rest: workers of
                // different tenants reaching one popular endpoint would wait for each other.
                .setMaxConnections(MAX_CONNECTIONS_PER_ENDPOINT)
                .setMaxFrameSize(WebSocketLimits.DECODED_MESSAGE_BYTES)
                .setMaxMessageSize(WebSocketLimits.DECODED_MESSAGE_BYTES));
    }

    /** Whether a worker's request asks for a WebSocket. */
    public static boolean isUpgrade(WorkerRequest request) {
        return request.header("upgrade").map(v -> v.trim().toLowerCase(Locale.ROOT).equals("websocket")).orElse(false);
    }

    /**
     * Opens the connection to {@code address} (checked by the caller), sending {@code hostHeader}
     * as the Host and {@code target} as the path.
     */
    public Future<WorkerResponse> connect(WorkerRequest request, String host, int port, boolean https,
            InetAddress address, String hostHeader, String target) {
        // The WebSocket client connects to the address of its host option, resolving a name again
        // itself (its server option is not read): a name that resolved to an allowed address for
        // the check could resolve to another one then. Without TLS it is given the checked address,
        // and the name goes in the Host header only. With TLS the name is needed for the
        // certificate, which an address the name was pointed at afterwards cannot present.
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(https ? host : address.getHostAddress())
                .setPort(port)
                .setSsl(https)
                .setTimeout(handshakeTimeoutMs)
                .setURI(target);
        List<String> protocols = new ArrayList<>();
        for (int i = 0; i + 1 < request.headers().size(); i += 2) {
            String name = request.headers().get(i).toLowerCase(Locale.ROOT);
            String value = request.headers().get(i + 1);
            if (name.equals("sec-websocket-protocol")) {
                for (String p : value.split(",")) {
                    if (!p.isBlank()) {
                        protocols.add(p.trim());
                    }
                }
            } else if (!NOT_FORWARDED.contains(name)) {
                options.addHeader(name, value);
            }
        }
        options.addHeader("host", hostHeader);
        if (!protocols.isEmpty()) {
            options.setSubProtocols(protocols);
        }
        long started = System.nanoTime();
        return client.connect(options).map(socket -> {
            WebSocketPipe pipe = new WebSocketPipe();
            WebSocketBridge.bridge(vertx, socket, pipe.first());
            List<String> headers = new ArrayList<>();
            if (socket.subProtocol() != null) {
                headers.add("sec-websocket-protocol");
                headers.add(socket.subProtocol());
            }
            return WorkerResponse.switchingProtocols(headers, pipe.second());
        }).recover(error -> {
            if (error instanceof UpgradeRejectedException rejected) {
                // The server answered without switching protocols: the worker gets that answer, without a WebSocket.
                List<String> headers = new ArrayList<>();
                rejected.getHeaders().forEach(e -> {
                    headers.add(e.getKey().toLowerCase(Locale.ROOT));
                    headers.add(e.getValue());
                });
                byte[] body = rejected.getBody() == null ? null : rejected.getBody().getBytes();
                return Future.succeededFuture(new WorkerResponse(rejected.getStatus(), "", headers, body));
            }
            boolean timedOut = System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(handshakeTimeoutMs);
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "The WebSocket connection to " + hostHeader + " failed: " + (timedOut
                            ? "the server did not answer the handshake within " + handshakeTimeoutMs + " ms"
                            : error.getMessage() == null ? error.toString() : error.getMessage())));
        });
    }

    @Override
    public void close() {
        client.close();
    }
}
