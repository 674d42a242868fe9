package dev.tenantd.platform.websocket;

import dev.tenantd.platform.PromptClose;
import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.websocket.WebSocketPipe;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket connections a worker opens ({@code fetch()} with {@code Upgrade: websocket}, or
 * {@code new WebSocket(url)}): the egress has checked the address under the worker's
 * policies; the connection goes to that address, and the worker gets a 101 whose WebSocket
 * is one end of a pipe whose other end is bridged to the connection.
 */
public final class OutboundWebSockets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundWebSockets.class);
    /** Headers the handshake makes itself; a worker's copies are not sent. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "upgrade", "connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", "content-length",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");
    /** What a server's {@code Sec-WebSocket-Accept} hashes with the key (RFC 6455, section 1.3). */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom KEYS = new SecureRandom();

    /**
     * How long a server may take to answer the handshake once connected: a server that takes
     * the connection and never answers would otherwise hold it, and the worker's wait, for good.
     */
    static final long HANDSHAKE_TIMEOUT_MS = 30_000;
    /** Open outbound WebSockets to one host and port, for all workers together; more wait for one to close. */
    static final int MAX_CONNECTIONS_PER_ENDPOINT = 10_000;

    private final Vertx vertx;
    private final HttpClient client;
    private final long handshakeTimeoutMs;
    private final BodyBudget bodies;

    /** @param bodies the process's budget for bodies in flight, which messages waiting for a server count against */
    public OutboundWebSockets(Vertx vertx, BodyBudget bodies) {
        this(vertx, bodies, HANDSHAKE_TIMEOUT_MS);
    }

    OutboundWebSockets(Vertx vertx, BodyBudget bodies, long handshakeTimeoutMs) {
        this.vertx = vertx;
        this.bodies = bodies;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        // The handshake is an HTTP request of this server's own making, so that a server that
        // refuses it answers as to any fetch(): its body streams to the worker within the
        // worker's limits. (A WebSocket client library gathers a refusal's body whole, with no
        // bound.) A connection that switches is the WebSocket's from then on (the bridge closes
        // it after 100 s without a message, so the client has no idle timeout of its own);
        // one that was refused is closed once its answer ends. Keep-alive is on only because
        // Vert.x would otherwise send "Connection: close" in place of "Connection: Upgrade".
        this.client = vertx.httpClientBuilder().with(new HttpClientOptions()
                .setForceSni(true)
                .setConnectTimeout(10_000)
                .setIdleTimeout(0)
                .setKeepAlive(true))
                // Vert.x keeps 5 per host and port by default and queues the rest: workers of
                // different tenants reaching one popular endpoint would wait for each other.
                .with(new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_ENDPOINT))
                .withConnectHandler(PromptClose::install)
                .build();
    }

    /** Whether a worker's request asks for a WebSocket. */
    public static boolean isUpgrade(WorkerRequest request) {
        return request.header("upgrade").map(v -> v.trim().toLowerCase(Locale.ROOT).equals("websocket")).orElse(false);
    }

    /**
     * Opens the connection to {@code address} (checked by the caller), sending {@code hostHeader}
     * as the Host and {@code target} as the path. {@code started} is given the handshake's
     * request once it exists (to reset it if the worker stops waiting); a server's answer other
     * than a switch to WebSocket is given to {@code refusal}, which makes the worker's response.
     */
    public Future<WorkerResponse> connect(WorkerRequest request, String host, int port, boolean https,
            InetAddress address, String hostHeader, String target, Consumer<HttpClientRequest> started,
            Function<HttpClientResponse, Future<WorkerResponse>> refusal) {
        String key = Base64.getEncoder().encodeToString(randomBytes(16));
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(host)
                .setPort(port)
                .setSsl(https)
                .setURI(target)
                .setFollowRedirects(false);
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
        options.putHeader("host", hostHeader)
                .putHeader("upgrade", "websocket")
                .putHeader("connection", "Upgrade")
                .putHeader("sec-websocket-key", key)
                .putHeader("sec-websocket-version", "13");
        if (!protocols.isEmpty()) {
            options.putHeader("sec-websocket-protocol", String.join(", ", protocols));
        }
        Promise<HttpClientResponse> answered = Promise.promise();
        long timer = vertx.setTimer(handshakeTimeoutMs, id -> answered.tryFail(new InvocationException(Outcome.EXCEPTION,
                "TypeError", "The WebSocket connection to " + hostHeader + " failed: the server did not answer the "
                        + "handshake within " + handshakeTimeoutMs + " ms")));
        client.request(options).onComplete(created -> {
            if (created.failed()) {
                answered.tryFail(created.cause());
                return;
            }
            HttpClientRequest handshake = created.result();
            // The request never ends (a handshake has no body), so its connection closing is
            // reported as its failure: the normal end of every socket, not worth an error line.
            handshake.exceptionHandler(error -> LOG.debug("Outbound WebSocket connection: {}", error.toString()));
            started.accept(handshake);
            answered.future().onFailure(error -> {
                handshake.reset();
                handshake.connection().close();
            });
            handshake.connect().onComplete(outcome -> {
                boolean taken = outcome.succeeded() ? answered.tryComplete(outcome.result())
                        : answered.tryFail(outcome.cause());
                if (!taken && outcome.succeeded()) {
                    // Answered after the handshake timed out: nobody waits for it.
                    handshake.reset();
                    if (outcome.result().statusCode() == 101) {
                        outcome.result().netSocket().close();
                    }
                }
            });
        });
        return answered.future()
                .andThen(done -> vertx.cancelTimer(timer))
                .compose(response -> {
                    if (response.statusCode() == 101) {
                        return upgraded(response, key, protocols, hostHeader);
                    }
                    // The handshake request never ends, so its connection cannot carry another:
                    // it closes once the refusal's body has ended or been let go.
                    response.end().onComplete(ended -> response.request().connection().close());
                    return refusal.apply(response);
                })
                .recover(error -> Future.failedFuture(error instanceof InvocationException failure ? failure
                        : new InvocationException(Outcome.EXCEPTION, "TypeError", "The WebSocket connection to "
                                + hostHeader + " failed: " + (error.getMessage() == null ? error.toString()
                                        : error.getMessage()))));
    }

    /** The worker's end of a connection the server switched to WebSocket, once its answer is checked. */
    private Future<WorkerResponse> upgraded(HttpClientResponse response, String key, List<String> offered,
            String hostHeader) {
        Optional<String> wrong = handshakeProblem(response.getHeader("upgrade"), response.getHeader("connection"),
                response.getHeader("sec-websocket-accept"), response.getHeader("sec-websocket-extensions"),
                response.getHeader("sec-websocket-protocol"), key, offered);
        if (wrong.isPresent()) {
            response.netSocket().close();
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "The WebSocket connection to " + hostHeader + " failed: the server's handshake " + wrong.get() + "."));
        }
        WebSocketPipe pipe = new WebSocketPipe();
        WebSocketBridge.bridge(vertx, new ClientConnection(vertx, response.netSocket()), pipe.first(), bodies);
        List<String> headers = new ArrayList<>();
        String protocol = response.getHeader("sec-websocket-protocol");
        if (protocol != null) {
            headers.add("sec-websocket-protocol");
            headers.add(protocol.trim());
        }
        return Future.succeededFuture(WorkerResponse.switchingProtocols(headers, pipe.second()));
    }

    /** What is wrong with a server's 101 (RFC 6455, section 4.1), if anything. */
    static Optional<String> handshakeProblem(String upgrade, String connection, String accept, String extensions,
            String protocol, String key, List<String> offered) {
        if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")) {
            return Optional.of("has no 'Upgrade: websocket'");
        }
        boolean upgradeToken = false;
        for (String token : (connection == null ? "" : connection).split(",")) {
            upgradeToken |= token.trim().equalsIgnoreCase("upgrade");
        }
        if (!upgradeToken) {
            return Optional.of("has no 'Connection: Upgrade'");
        }
        if (accept == null || !accept.trim().equals(acceptFor(key))) {
            return Optional.of("has a wrong Sec-WebSocket-Accept");
        }
        if (extensions != null && !extensions.isBlank()) {
            return Optional.of("names an extension, and none was offered");
        }
        if (protocol != null && !offered.contains(protocol.trim())) {
            return Optional.of("chose the subprotocol '" + clip(protocol) + "', which was not offered");
        }
        return Optional.empty();
    }

    /** The Sec-WebSocket-Accept a server answers {@code key} with. */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-1", e);
        }
    }

    private static String clip(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        KEYS.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        client.close();
    }
}
