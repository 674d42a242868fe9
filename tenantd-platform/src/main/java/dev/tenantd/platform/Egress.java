package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.BodyStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.platform.websocket.OutboundWebSockets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Every {@code fetch()} a worker makes leaves through here. Requests to the
 * Cloudflare API host are answered by this server's own API. Everything else is
 * resolved first and refused when any address is refused by the worker's
 * {@link EgressPolicies} (non-public addresses unless the platform's allow list
 * names them); the connection then goes to the checked address, and every
 * redirect is checked again.
 */
public final class Egress implements AutoCloseable {
    public static final String CLOUDFLARE_API_HOST = "api.cloudflare.com";
    private static final int MAX_REDIRECTS = 20;
    /** Methods the Fetch standard forbids: never sent to an origin. */
    private static final Set<String> FORBIDDEN_METHODS = Set.of("CONNECT", "TRACE", "TRACK");
    private static final Set<String> NO_FORWARD = Set.of("host", "connection", "keep-alive", "transfer-encoding",
            "upgrade", "proxy-connection", "te", "trailer", "content-length");
    /** Request-body header names: dropped with the body when a redirect turns a request into a GET. */
    private static final Set<String> BODY_HEADERS = Set.of("content-encoding", "content-language", "content-location",
            "content-type");
    /**
     * Credentials that never follow a redirect to another origin: the Fetch standard removes
     * {@code Authorization}; browsers and undici remove cookies and proxy credentials too.
     */
    /** The methods RFC 9110 calls idempotent, as fetch() sends them (TRACE it refuses). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    /**
     * How many times a request may go again after its connection, kept open from an earlier
     * request, closed unanswered: a new connection that does so ends the fetch, so this only
     * matters when several kept-open connections to one origin went at once.
     */
    private static final int RESENDS = 2;
    private static final io.netty.util.AttributeKey<Boolean> USED = io.netty.util.AttributeKey.valueOf("tenantd.egress.used");
    private static final Set<String> CREDENTIALS = Set.of("authorization", "cookie", "proxy-authorization");

    private final Vertx vertx;
    private final HttpClient client;
    private final Supplier<String> apiAddress;
    private final Supplier<Set<Integer>> listenerPorts;
    private final BodyBudget bodies;
    private final long maxBodyBytes;
    /** Response bodies of a known length up to this are read whole; longer or unknown ones stream. */
    static final long WHOLE_UP_TO = 64 * 1024;
    /**
     * Open connections to one origin (scheme, host and port), for all workers together; more wait
     * for one. Twice what one worker may hold ({@link OutboundConnections#PER_REQUESTER}).
     */
    static final int MAX_CONNECTIONS_PER_ORIGIN = 2 * OutboundConnections.PER_REQUESTER;
    private final OutboundConnections connections = new OutboundConnections();
    /** Connections to origins open now, in use or idle in the pools. */
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final int keptOpen;
    private final NameLookups lookups;
    private final TcpEgress tcp;
    private final OutboundWebSockets webSockets;

    /**
     * @param apiAddress   host:port of this server's API listener (for requests to {@value #CLOUDFLARE_API_HOST})
     * @param bodies       the process's budget for bodies in flight; response bodies are read within it
     * @param maxBodyBytes the largest response body read (a worker could not hold a larger one)
     */
    public Egress(Vertx vertx, Supplier<String> apiAddress, BodyBudget bodies, long maxBodyBytes) {
        this(vertx, apiAddress, Set::of, bodies, maxBodyBytes, java.util.Optional.empty());
    }

    /**
     * @param listenerPorts the ports this server listens on: a {@code fetch()} to one of the
     *                      machine's own addresses reaches them (and the web ports) without the
     *                      platform's allow list ({@link EgressPolicies#refusalAtPort})
     */
    public Egress(Vertx vertx, Supplier<String> apiAddress, Supplier<Set<Integer>> listenerPorts, BodyBudget bodies,
            long maxBodyBytes) {
        this(vertx, apiAddress, listenerPorts, bodies, maxBodyBytes, java.util.Optional.empty());
    }

    /**
     * @param socketTrust certificates trusted for TLS on workers' TCP sockets besides the
     *                    JDK's trust store (an operator's private CA)
     */
    public Egress(Vertx vertx, Supplier<String> apiAddress, Supplier<Set<Integer>> listenerPorts, BodyBudget bodies,
            long maxBodyBytes, java.util.Optional<io.vertx.core.net.TrustOptions> socketTrust) {
        this(vertx, apiAddress, listenerPorts, bodies, maxBodyBytes, socketTrust, OutboundConnections.TOTAL);
    }

    /** @param keptOpen the connections to origins, in use or idle, past which none is kept for another request */
    Egress(Vertx vertx, Supplier<String> apiAddress, Supplier<Set<Integer>> listenerPorts, BodyBudget bodies,
            long maxBodyBytes, java.util.Optional<io.vertx.core.net.TrustOptions> socketTrust, int keptOpen) {
        this.keptOpen = keptOpen;
        this.vertx = vertx;
        this.listenerPorts = listenerPorts;
        this.lookups = new NameLookups(vertx);
        this.tcp = new TcpEgress(vertx, socketTrust, lookups);
        this.apiAddress = apiAddress;
        this.bodies = bodies;
        this.maxBodyBytes = maxBodyBytes;
        this.webSockets = new OutboundWebSockets(vertx, bodies);
        HttpClientOptions options = new HttpClientOptions()
                .setForceSni(true)
                .setConnectTimeout(10_000)
                .setIdleTimeout(60)
                .setKeepAlive(true)
                // A streamed answer reaches the worker in chunks of this size at most.
                .setMaxChunkSize(BodyStream.CHUNK_BYTES);
        this.client = vertx.httpClientBuilder().with(options)
                // Vert.x keeps 5 connections per origin and queues the rest: one tenant's slow
                // downloads or event streams would hold up every other tenant's requests there.
                .with(new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_ORIGIN))
                .withConnectHandler(connection -> {
                    EgressHttpCodec.install(connection, options);
                    PromptClose.install(connection);
                    counted(connection);
                })
                .build();
    }

    /**
     * Counts {@code connection} as open until it closes. The pools keep a connection idle for a
     * minute after its answer, for the next request to its origin; a worker fetching from ever
     * new origins (names under a wildcard, ports) would leave thousands of them, uncounted by
     * {@link OutboundConnections}, and take the process's file descriptors.
     */
    private void counted(io.vertx.core.http.HttpConnection connection) {
        open.incrementAndGet();
        ((io.vertx.core.net.impl.ConnectionBase) connection).channel().closeFuture()
                .addListener(closed -> open.decrementAndGet());
    }

    /**
     * Sends a worker's subrequest under the given policies, with redirects as its mode says:
     * followed as the Fetch standard does, answered, or failed; the response carries the final
     * URL and the number of redirects followed.
     * {@code requester} (a worker, compared with {@code equals}) names whose subrequest it is:
     * its name lookups wait for its own, not for other workers'.
     */
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request, EgressPolicies policies, Object requester) {
        // Compose the exchange on an event loop: a response's body must be read on the thread
        // that delivers it, or its end can be missed when the isolate's thread attaches late.
        CompletableFuture<WorkerResponse> result = new CompletableFuture<>();
        Exchange exchange = new Exchange(requester);
        // Cancelled (its invocation ended): the request in flight is reset, whatever it waits for.
        result.whenComplete((response, error) -> {
            if (result.isCancelled()) {
                exchange.cancel();
            }
        });
        vertx.getOrCreateContext().runOnContext(v -> send(request, policies, 0, exchange).onComplete(ar -> {
            if (ar.succeeded()) {
                if (!result.complete(ar.result())) {
                    abandon(ar.result());
                }
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result;
    }

    /** An answer that came after its fetch was cancelled: nothing will read it. */
    private void abandon(WorkerResponse response) {
        response.discardBody();
        if (response.body() != null) {
            bodies.release(response.body());
        }
        response.webSocket().ifPresent(end -> end.close(dev.tenantd.runtime.websocket.WebSocketLimits.GOING_AWAY,
                "The fetch that opened it was cancelled."));
    }

    /** The request a fetch() has in flight (the latest of its redirects), to reset when the fetch is cancelled. */
    private static final class Exchange {
        final Object requester;
        private HttpClientRequest current;
        /** Whether {@link #current} is being sent: its head is on its connection, which is its own until answered. */
        private boolean sending;
        private boolean cancelled;

        Exchange(Object requester) {
            this.requester = requester;
        }

        synchronized boolean cancelled() {
            return cancelled;
        }

        synchronized void started(HttpClientRequest request) {
            current = request;
            sending = false;
            if (cancelled) {
                request.reset();
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (current != null) {
                if (sending && !current.response().isComplete()) {
                    // Not answered: the request may still be sending to an origin that reads none of it.
                    resetOnClose(current);
                }
                current.reset();
            }
        }

        /** {@code request} goes out now. */
        synchronized HttpClientRequest sending(HttpClientRequest request) {
            if (current == request) {
                sending = true;
            }
            return request;
        }
    }

    /**
     * Makes the close of {@code request}'s connection, which resetting a request being sent and
     * not yet answered brings, a TCP reset: the kernel drops the bytes still queued for the
     * origin. A plain close leaves them to the kernel (megabytes of a body, for minutes) until an
     * origin that has stopped reading takes them. Only for such a request: its connection is its
     * own until answered (one whose head has not gone yet stays in the pool, for others' requests).
     */
    private static void resetOnClose(HttpClientRequest request) {
        if (!(request.connection() instanceof io.vertx.core.net.impl.ConnectionBase connection)) {
            return;
        }
        io.netty.channel.Channel channel = connection.channel();
        Runnable mark = () -> {
            if (channel.isOpen()) {
                channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
            }
        };
        if (channel.eventLoop().inEventLoop()) {
            mark.run();
        } else {
            channel.eventLoop().execute(mark);
        }
    }

    private Future<WorkerResponse> send(WorkerRequest request, EgressPolicies policies, int redirects, Exchange exchange) {
        if (FORBIDDEN_METHODS.contains(request.method().toUpperCase(Locale.ROOT))) {
            // A worker cannot make one (the Request constructor refuses it); a client's request
            // handed on with fetch(request) is refused here the same way.
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "'" + request.method() + "' HTTP method is unsupported."));
        }
        URI uri;
        try {
            uri = URI.create(request.url());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "Fetch API cannot load: " + request.url()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "Fetch API cannot load: " + request.url()));
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : (https ? 443 : 80);
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());

        if (host.equals(CLOUDFLARE_API_HOST) && target.startsWith("/client/v4")) {
            if (!plainApiPath(uri.getRawPath())) {
                // The API's router resolves dot segments (encoded or not): such a path could name
                // another route of the API listener than the API.
                return Future.failedFuture(blocked("fetch to " + host, "its path has '.' or '..' segments or an "
                        + "encoded '/', which no API path has"));
            }
            java.util.Optional<String> refused = policies.refusal(host);
            if (refused.isPresent()) {
                return Future.failedFuture(blocked("fetch to " + host, refused.get()));
            }
            String[] api = apiAddress.get().split(":");
            return exchange(exchange, request, api[0], Integer.parseInt(api[1]), false,
                    InetAddressHolder.loopback(), CLOUDFLARE_API_HOST, target, policies, redirects);
        }
        if (OutboundWebSockets.isUpgrade(request)) {
            // A WebSocket goes to the address checked as for any request; it follows no redirect.
            return resolveForFetch(host, policies, exchange)
                    .compose(address -> atPort(host, address, port, policies))
                    .compose(address -> webSockets.connect(request, host, port, https, address,
                            host + (uri.getPort() > 0 ? ":" + port : ""), target, exchange::started,
                            refused -> answer(refused, "GET", false)));
        }
        return resolveForFetch(host, policies, exchange)
                .compose(address -> atPort(host, address, port, policies))
                .compose(address -> exchange(exchange, request, host, port, https, address,
                        host + (uri.getPort() > 0 ? ":" + port : ""), target, policies, redirects));
    }

    /** Whether an API path is one the API's router reads as written: no dot segments, encoded or not, and no encoded slash. */
    static boolean plainApiPath(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/client/v4/") && !rawPath.equals("/client/v4")) {
            return false;
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\")) {
            return false;
        }
        for (String segment : lower.replace("%2e", ".").split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private Future<WorkerResponse> exchange(Exchange exchange, WorkerRequest request, String host, int port, boolean https,
            InetAddress address, String hostHeader, String target, EgressPolicies policies, int redirects) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(request.method()))
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(host)
                .setPort(port)
                .setSsl(https)
                .setURI(target)
                .setFollowRedirects(false);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i + 1 < request.headers().size(); i += 2) {
            // Whatever the letter case the names come in: the worker's framing headers never reach a
            // connection that other tenants' requests share.
            if (!NO_FORWARD.contains(request.headers().get(i).toLowerCase(java.util.Locale.ROOT))) {
                headers.add(request.headers().get(i), request.headers().get(i + 1));
            }
        }
        headers.set("host", hostHeader);
        if ((request.method().equals("GET") || request.method().equals("HEAD"))
                && (request.body().length > 0 || request.stream().isPresent())) {
            // A client's GET with a body, handed on: an origin that ignores bodies on GET would read
            // its bytes as a request of their own, answered to whoever's request comes next on the
            // pooled connection. Such a request has a connection to itself.
            headers.set("connection", "close");
        }
        if (open.get() >= keptOpen) {
            // As many connections are open as may be: this one closes after its answer.
            headers.set("connection", "close");
        }
        options.setHeaders(headers);
        return connections.acquire(exchange.requester, exchange::cancelled, "fetch to " + hostHeader)
                .compose(slot -> sendOn(slot, exchange, request, options, RESENDS).onFailure(error -> slot.release()))
                .compose(response -> followRedirect(request, response, policies, redirects, exchange))
                .recover(error -> Future.failedFuture(switch (error) {
                    case InvocationException refused -> refused;
                    default -> new InvocationException(Outcome.EXCEPTION, "TypeError", "Network connection lost: "
                            + (error.getMessage() == null ? error.toString() : error.getMessage()));
                }));
    }

    /**
     * Sends {@code request} on a connection of {@code slot}'s, and again, at most {@code resends}
     * times, when a connection kept open from an earlier request closed before any answer came
     * (see {@link #sentAgain}).
     */
    private Future<WorkerResponse> sendOn(OutboundConnections.Slot slot, Exchange exchange, WorkerRequest request,
            RequestOptions options, int resends) {
        Held held = new Held(slot);
        java.util.concurrent.atomic.AtomicBoolean reused = new java.util.concurrent.atomic.AtomicBoolean();
        return client.request(options)
                .map(req -> {
                    exchange.started(req);
                    reused.set(usedBefore(req));
                    return exchange.sending(req);
                })
                .compose(req -> request.stream().isPresent() ? sendStreamed(req, request.stream().get(), held)
                        // A larger body goes in pieces as the connection takes them, not copied whole in one turn.
                        : request.body() != null && request.body().length > BodyStream.CHUNK_BYTES
                                ? sendStreamed(req, BodyStream.of(request.body()), held)
                                : held.sent(req.send(Buffer.buffer(request.body()))))
                .transform(sent -> sent.succeeded()
                        ? answer(held.answered(sent.result()), request.method(),
                                request.redirect() != WorkerRequest.Redirect.MANUAL)
                        : resends > 0 && reused.get() && sentAgain(request, sent.cause()) && !exchange.cancelled()
                                ? sendOn(slot, exchange, request, options, resends - 1)
                                : Future.failedFuture(sent.cause()));
    }

    /** Marks the connection {@code request} goes on as used; whether an earlier request had used it. */
    private static boolean usedBefore(HttpClientRequest request) {
        return request.connection() instanceof io.vertx.core.net.impl.ConnectionBase connection
                && connection.channel().attr(USED).getAndSet(Boolean.TRUE) != null;
    }

    /**
     * Whether a request whose connection, kept open from an earlier request, closed before any
     * answer came is sent again: an origin closes an idle connection when it likes (a timeout, a
     * restart), and one that does so just as a request goes out has not acted on it, as far as
     * anyone can tell. Only a request the HTTP standard calls idempotent (RFC 9110, 9.2.2) is
     * sent again, and only one whose body is still in hand (not a stream, already read); a
     * request on a new connection never is. Browsers do the same.
     */
    private static boolean sentAgain(WorkerRequest request, Throwable failure) {
        return IDEMPOTENT.contains(request.method()) && request.stream().isEmpty()
                && (failure instanceof io.vertx.core.http.HttpClosedException || failure instanceof java.io.IOException);
    }

    /**
     * An origin's response as the worker gets it: a body of known small size read whole, any
     * other streamed as the worker reads it. With {@code followsRedirects}, a redirect the
     * fetch follows keeps no body. Call on the response's context, before its body arrives.
     */
    private Future<WorkerResponse> answer(HttpClientResponse resp, String method, boolean followsRedirects) {
        if (resp.statusCode() < 200) {
            // The HTTP client takes an interim answer (102, 104, ...) for the whole answer: the final
            // one, still to come on the connection, would answer the next request sent there,
            // which may be another tenant's. The connection goes with this fetch.
            resp.request().reset();
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError", "The origin sent the "
                    + "interim status " + resp.statusCode() + " before its final answer, which fetch() cannot take "
                    + "apart from it on a shared connection; the request was cut off."));
        }
        List<String> flat = new ArrayList<>();
        resp.headers().forEach(e -> {
            flat.add(e.getKey().toLowerCase(Locale.ROOT));
            flat.add(e.getValue());
        });
        String statusText = resp.statusMessage() == null ? "" : resp.statusMessage();
        long declared = BoundedBody.declaredLength(resp.getHeader("content-length"));
        boolean followed = followsRedirects && resp.getHeader("location") != null;
        if (followedRedirect(resp.statusCode(), followed) && (declared < 0 || declared > WHOLE_UP_TO)) {
            // The fetch follows it, so its body is never used: rather than read up to
            // the whole body limit first, the connection it comes on is let go.
            resp.request().reset();
            return Future.succeededFuture(new WorkerResponse(resp.statusCode(), statusText, flat, new byte[0]));
        }
        if (readWhole(method, resp.statusCode(), declared, followed)) {
            return BoundedBody.read(resp, declared, maxBodyBytes, bodies)
                    .map(body -> new WorkerResponse(resp.statusCode(), statusText, flat, body))
                    // The body left unread: the connection it comes on goes, as its slot does.
                    .onFailure(error -> resp.request().reset())
                    .recover(error -> Future.failedFuture(switch (error) {
                        case BoundedBody.TooLarge tooLarge -> new InvocationException(Outcome.EXCEPTION, "TypeError",
                                "The response body is larger than " + tooLarge.limit()
                                        + " bytes, more than a worker can hold.");
                        case BoundedBody.Busy busy -> new InvocationException(Outcome.EXCEPTION, "Error", busy.getMessage());
                        default -> error;
                    }));
        }
        // Streamed as the worker reads it: the first byte reaches it before the last arrives.
        return Future.succeededFuture(WorkerResponse.streamed(resp.statusCode(), statusText, flat,
                new ReadStreamBody(Vertx.currentContext(), resp, declared)));
    }

    /**
     * Sends a body that arrives in chunks: the next chunk is asked for only once the connection
     * has taken the last, so a slow origin slows the sender down. A body that breaks off resets
     * the request, so the origin can tell a cut body from a whole one.
     */
    private static Future<HttpClientResponse> sendStreamed(HttpClientRequest req, BodyStream body, Held held) {
        if (body.length() >= 0) {
            req.putHeader("content-length", Long.toString(body.length()));
        } else {
            req.setChunked(true);
        }
        // A request that breaks off (its connection closed or reset, an origin that answered and
        // stopped reading) is done too: its pump may wait for a drain that never comes.
        req.exceptionHandler(failed -> {
            body.cancel();
            held.requestDone();
        });
        java.util.concurrent.atomic.AtomicReference<Throwable> broken = new java.util.concurrent.atomic.AtomicReference<>();
        pump(Vertx.currentContext(), req, body, held, broken);
        // A body that broke off resets the request: the worker is told why, not that the connection went.
        return req.response().recover(failed -> Future.failedFuture(broken.get() instanceof BodyStream.BrokenBody cause
                ? new InvocationException(Outcome.EXCEPTION, "TypeError", "The request body cannot be sent: "
                        + cause.getMessage() + ".")
                : failed));
    }

    private static void pump(Context context, HttpClientRequest req, BodyStream body, Held held,
            java.util.concurrent.atomic.AtomicReference<Throwable> broken) {
        body.read().whenComplete((chunk, error) -> context.runOnContext(ignored -> {
            if (held.requestOver()) {
                // Broken off (reset, or a write failed) while this chunk was read: the body is cancelled.
                return;
            }
            if (error != null) {
                broken.set(error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : error);
                resetOnClose(req);
                req.reset(0, error);
                held.requestDone();
                return;
            }
            if (chunk.isEmpty()) {
                req.end();
                held.requestDone();
                return;
            }
            req.write(Buffer.buffer(chunk.get())).onFailure(failed -> {
                body.cancel();
                held.requestDone();
            });
            if (req.writeQueueFull()) {
                req.drainHandler(drained -> {
                    req.drainHandler(null);
                    pump(context, req, body, held, broken);
                });
            } else {
                pump(context, req, body, held, broken);
            }
        }));
    }

    /**
     * The connection one exchange holds: let go once its request is sent and its response has
     * ended or broken off, or when the exchange fails. Touched on the exchange's context.
     */
    private static final class Held {
        final OutboundConnections.Slot slot;
        private boolean requestDone;
        private boolean responseDone;

        Held(OutboundConnections.Slot slot) {
            this.slot = slot;
        }

        /** A request sent whole: its response is what is left. */
        Future<HttpClientResponse> sent(Future<HttpClientResponse> response) {
            requestDone();
            return response;
        }

        boolean requestOver() {
            return requestDone;
        }

        void requestDone() {
            requestDone = true;
            if (responseDone) {
                slot.release();
            }
        }

        /** Watches the response's end; call as it arrives, before any of its body. */
        HttpClientResponse answered(HttpClientResponse response) {
            response.end().onComplete(ended -> {
                responseDone = true;
                if (requestDone || ended.failed()) {
                    slot.release();
                }
            });
            return response;
        }
    }

    /**
     * Whether a response body is read whole before the worker sees the response: one of known
     * small size, a redirect the fetch follows, or the answer to a HEAD. Any other streams.
     */
    static boolean readWhole(String method, int status, long declaredLength, boolean hasLocation) {
        return method.equals("HEAD") || followedRedirect(status, hasLocation) || status == 204 || status == 304
                || declaredLength >= 0 && declaredLength <= WHOLE_UP_TO;
    }

    /** A response whose redirect a fetch that follows redirects follows. */
    private static boolean followedRedirect(int status, boolean hasLocation) {
        return isRedirect(status) && hasLocation;
    }

    /** A redirect status (the Fetch standard's). */
    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private Future<WorkerResponse> followRedirect(WorkerRequest request, WorkerResponse response,
            EgressPolicies policies, int redirects, Exchange exchange) {
        int status = response.status();
        java.util.Optional<String> location = response.header("location");
        if (request.redirect() == WorkerRequest.Redirect.ERROR && isRedirect(status)) {
            response.discardBody();
            bodies.release(response.body());
            return Future.failedFuture(redirectRefused(status));
        }
        if (request.redirect() == WorkerRequest.Redirect.MANUAL || !followedRedirect(status, location.isPresent())) {
            return Future.succeededFuture(response.fetchedFrom(withoutFragment(request.url()), redirects));
        }
        WorkerRequest again;
        try {
            again = nextHop(request, status, location.get(), redirects);
        } catch (InvocationException e) {
            return Future.failedFuture(e);
        }
        return send(again, policies, redirects + 1, exchange);
    }

    /** Why a redirect fails a fetch whose redirect mode is {@code error}. */
    static InvocationException redirectRefused(int status) {
        return new InvocationException(Outcome.EXCEPTION, "TypeError", "The response redirects (" + status
                + "), and the request's redirect mode is 'error'. Use redirect: 'manual' to see the redirect, or "
                + "'follow' to follow it.");
    }

    /**
     * The request that following the redirect to {@code location} sends ({@link #redirected}),
     * after {@code redirects} followed already; fails with the {@code TypeError} the fetch gets
     * when there were too many, the location is no URL, or the body was a stream.
     */
    static WorkerRequest nextHop(WorkerRequest request, int status, String location, int redirects) {
        if (redirects >= MAX_REDIRECTS) {
            throw new InvocationException(Outcome.EXCEPTION, "TypeError", "Too many redirects.");
        }
        URI from = URI.create(request.url());
        URI next;
        try {
            next = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "The redirect location '" + location + "' is not a valid URL.");
        }
        WorkerRequest again = redirected(request, status, from, next);
        if (again.stream().isPresent()) {
            // The Fetch standard's rule: a body read from a stream cannot be sent a second time.
            again.discardBody();
            throw new InvocationException(Outcome.EXCEPTION, "TypeError", "The response "
                    + "redirects (" + status + ") with the request's body, which was a stream and cannot be sent again. "
                    + "Send the body as bytes, or use redirect: 'manual'.");
        }
        return again;
    }

    /**
     * The request a redirect leads to, by the Fetch standard's HTTP-redirect fetch: a 301 or
     * 302 answer to a POST, and a 303 answer to anything but GET or HEAD, become a GET
     * without body or body headers; any other keeps its method and body. Credentials are
     * dropped once the request leaves its origin.
     */
    static WorkerRequest redirected(WorkerRequest request, int status, URI from, URI next) {
        String method = request.method();
        boolean toGet = ((status == 301 || status == 302) && method.equals("POST"))
                || (status == 303 && !method.equals("GET") && !method.equals("HEAD"));
        boolean crossOrigin = !origin(from).equals(origin(next));
        List<String> headers = new ArrayList<>();
        for (int i = 0; i + 1 < request.headers().size(); i += 2) {
            String name = request.headers().get(i).toLowerCase(Locale.ROOT);
            if (!(toGet && BODY_HEADERS.contains(name)) && !(crossOrigin && CREDENTIALS.contains(name))) {
                headers.add(request.headers().get(i));
                headers.add(request.headers().get(i + 1));
            }
        }
        if (toGet) {
            request.discardBody();
            return new WorkerRequest("GET", next.toString(), headers, null).withRedirect(request.redirect());
        }
        return new WorkerRequest(method, next.toString(), headers, request.body(), "", request.stream(), request.redirect());
    }

    /** Scheme, host and port (the default port filled in): what the Fetch standard compares as an origin. */
    private static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        return scheme + "://" + (uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT)) + ":" + port;
    }

    /** A response's URL never carries the request's fragment. */
    static String withoutFragment(String url) {
        int hash = url.indexOf('#');
        return hash < 0 ? url : url.substring(0, hash);
    }

    private static InvocationException blocked(String what, String reason) {
        return new InvocationException(Outcome.EXCEPTION, "TypeError",
                what + " was blocked by the egress policy: " + reason + ".");
    }

    private Future<InetAddress> resolveForFetch(String host, EgressPolicies policies, Exchange exchange) {
        if (host.isEmpty()) {
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "Fetch API cannot load: the URL has no host."));
        }
        return lookups.resolve(host, policies, "fetch to " + host, exchange.requester, exchange::cancelled);
    }

    /** {@code address} if a fetch may go to it at {@code port}: see {@link EgressPolicies#refusalAtPort}. */
    private Future<InetAddress> atPort(String host, InetAddress address, int port, EgressPolicies policies) {
        java.util.Optional<String> refused = policies.refusalAtPort(host, address, port, listenerPorts.get(),
                OwnAddresses.MACHINE);
        return refused.isPresent() ? Future.failedFuture(blocked("fetch to " + host, refused.get()))
                : Future.succeededFuture(address);
    }

    /**
     * The address to connect to for {@code host} (a name, an IP literal, or an IPv6 literal in
     * brackets), resolved here so that the connection goes to the address that was checked.
     * Refused when the name or any of its addresses is refused; {@code what} starts the message.
     */
    static InetAddress resolveAllowed(String host, EgressPolicies policies, String what) {
        java.util.Optional<String> byName = policies.refusalByName(host);
        if (byName.isPresent()) {
            throw blocked(what, byName.get());
        }
        InetAddress[] all;
        if (unbracketed(host).isEmpty() || (host.startsWith("[") != host.endsWith("]"))) {
            // The JDK resolves an empty name to loopback; nothing resolves a half-bracketed one.
            throw new InvocationException(Outcome.EXCEPTION, "TypeError", "DNS lookup failed for " + host + ".");
        }
        try {
            all = InetAddress.getAllByName(unbracketed(host));
        } catch (UnknownHostException e) {
            throw new InvocationException(Outcome.EXCEPTION, "TypeError", "DNS lookup failed for " + host + ".");
        }
        String name = unbracketed(host);
        for (InetAddress a : all) {
            java.util.Optional<String> refused = policies.refusal(name, a);
            if (refused.isPresent()) {
                throw blocked(what, refused.get());
            }
        }
        return all[0];
    }

    /** A TCP connection for a worker's {@code connect()}, under the same policies as its {@code fetch()}. */
    public CompletableFuture<dev.tenantd.runtime.HostSocket> connect(dev.tenantd.runtime.SocketRequest request,
            EgressPolicies policies, Object requester) {
        return tcp.connect(request, policies, requester);
    }

    /** The connections workers' fetches hold (for tests). */
    OutboundConnections connections() {
        return connections;
    }

    /** An IPv6 literal without its brackets; anything else as it is. */
    static String unbracketed(String host) {
        return host.length() >= 2 && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Whether {@code name} (without brackets) is an IPv4 or IPv6 address rather than a name. */
    static boolean isIpLiteral(String name) {
        return io.netty.util.NetUtil.isValidIpV4Address(name) || io.netty.util.NetUtil.isValidIpV6Address(name);
    }

    @Override
    public void close() {
        client.close();
        tcp.close();
        webSockets.close();
        lookups.close();
    }

    private static final class InetAddressHolder {
        static InetAddress loopback() {
            return InetAddress.getLoopbackAddress();
        }
    }
}
