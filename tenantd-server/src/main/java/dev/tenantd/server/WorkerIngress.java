package dev.tenantd.server;

import dev.tenantd.platform.BoundedBody;
import dev.tenantd.platform.Invoker;
import dev.tenantd.platform.Platform;
import dev.tenantd.platform.ReadStreamBody;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.BodyStream;
import dev.tenantd.runtime.Caller;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.websocket.WebSocketEnd;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.platform.websocket.WebSocketBridge;
import io.vertx.core.Future;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Worker traffic: picks the worker by host and path, runs it, writes its response. */
final class WorkerIngress implements Handler<HttpServerRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerIngress.class);
    /** Request bodies up to this declared length are read whole before the worker runs; any other streams. */
    static final long WHOLE_UP_TO = 64 * 1024;
    /** Room for the names and values of as many headers as a browser sends (about 16), and the platform's own. */
    private static final int HEADER_LIST_CAPACITY = 34;
    /**
     * Headers only the platform sets, or that Cloudflare sets in front of a worker: a client's
     * copy is dropped, so a worker can trust {@code cf-connecting-ip} to be the address the
     * connection came from, and no client poses as Cloudflare's own (a country, city or region
     * to pass a geo check, say): with these, every header named {@code cf-...}. The call depth
     * is read before the worker runs and is not the worker's.
     */
    private static final Set<String> SET_BY_PLATFORM = Set.of("true-client-ip", Caller.DEPTH_HEADER);

    /**
     * Whether a client's header of this (lower-case) name is dropped: see {@link #SET_BY_PLATFORM}.
     * Cloudflare Access's token passes: it is signed, so a worker behind Access (through a
     * Cloudflare Tunnel, say) checks it, and no client can forge one.
     */
    static boolean setByPlatform(String name) {
        return name.startsWith("cf-") ? !name.equals("cf-access-jwt-assertion") : SET_BY_PLATFORM.contains(name);
    }
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "upgrade",
            "content-length", "proxy-connection", "te", "trailer");

    private final Vertx vertx;
    private final Platform platform;
    private final BodyBudget bodies;
    private final long maxBody;

    WorkerIngress(Vertx vertx, Platform platform, BodyBudget bodies, ListenerLimits limits) {
        this.vertx = vertx;
        this.platform = platform;
        this.bodies = bodies;
        this.maxBody = limits.maxRequestBodyBytes();
    }

    @Override
    public void handle(HttpServerRequest request) {
        // One Host, which names what is asked for: routing reads it, and the worker's URL is built
        // from it and the path alone (an absolute-form request line names its own, unread). Only
        // HTTP/1.0 may leave it out (health checks do): such a request has no host to be routed by.
        boolean noHost = request.authority() == null && request.version() == io.vertx.core.http.HttpVersion.HTTP_1_0;
        if ((request.authority() == null && !noHost) || hostHeaders(request.headers()) > 1) {
            request.response().setStatusCode(400).putHeader("content-type", "text/plain;charset=UTF-8")
                    .end("A request needs exactly one Host header, naming the worker's host.\n");
            return;
        }
        String uri = request.uri();
        if (uri == null || !(uri.startsWith("/") || uri.startsWith("http://") || uri.startsWith("https://"))) {
            request.response().setStatusCode(400).putHeader("content-type", "text/plain;charset=UTF-8")
                    .end("The request target must be a path starting with '/'.\n");
            return;
        }
        String host = noHost ? "" : request.authority().host();
        Optional<ScriptRef> target = platform.directory().routeFor(host, request.path());
        if (target.isEmpty()) {
            request.response().setStatusCode(404).putHeader("content-type", "text/plain;charset=UTF-8")
                    .end("No worker is routed for host '" + host + "'. Add a route (--route 'PATTERN=SCRIPT') "
                            + "or use <script>." + platform.directory().workersDevDomain() + " for a plain worker.\n");
            return;
        }
        int depth = callDepth(request.getHeader(Caller.DEPTH_HEADER));
        if (depth > Invoker.MAX_CALL_DEPTH) {
            request.response().setStatusCode(508).putHeader("content-type", "text/plain;charset=UTF-8")
                    .end("Loop detected: this request came through more than " + Invoker.MAX_CALL_DEPTH + " workers "
                            + "calling workers, some of them through the network. A worker that fetches its own host "
                            + "name must stop at a smaller depth.\n");
            return;
        }
        Context context = vertx.getOrCreateContext();
        // An upgrade request has no body; it stays unread so that it can become a WebSocket.
        boolean upgrade = request.canUpgradeToWebSocket();
        if (upgrade) {
            request.pause();
        }
        long declared = BoundedBody.declaredLength(request.getHeader("content-length"));
        if (!upgrade && declared > maxBody) {
            refuseBody(request, new BoundedBody.TooLarge(maxBody));
            return;
        }
        if (!upgrade && expectsContinue(request)) {
            // A client that waits to be asked for its body (curl for large ones) is asked now that
            // the body's size is known to be welcome, instead of after its own time-out.
            request.response().writeContinue();
        }
        if (!upgrade && (declared < 0 && hasBody(request) || declared > WHOLE_UP_TO)) {
            // Long or of unknown length: the worker reads it as it arrives.
            ReadStreamBody body = new ReadStreamBody(context, request, declared, maxBody,
                    () -> drainThenClose(request), () -> refuseStreamedBody(request));
            request.response().endHandler(ignored -> body.cancel());
            request.response().closeHandler(ignored -> body.cancel());
            invoke(request, context, target.get(), upgrade, null, Optional.of(body), depth);
            return;
        }
        (upgrade ? Future.succeededFuture(new byte[0]) : BoundedBody.read(request, declared, maxBody, bodies))
                .onFailure(e -> refuseBody(request, e))
                .onSuccess(body -> invoke(request, context, target.get(), upgrade, body, Optional.empty(), depth));
    }

    /** How many Host headers a request has, counted in place (a list of their values would be garbage of every request). */
    private static int hostHeaders(MultiMap headers) {
        int[] hosts = {0};
        headers.forEach((name, value) -> {
            if (name.equalsIgnoreCase("host")) {
                hosts[0]++;
            }
        });
        return hosts[0];
    }

    /** Whether an HTTP/1.1 client waits for {@code 100 Continue} before it sends its body. */
    private static boolean expectsContinue(HttpServerRequest request) {
        String expect = request.getHeader("expect");
        return expect != null && expect.equalsIgnoreCase("100-continue") && request.version() == HttpVersion.HTTP_1_1;
    }

    /** Whether a request without a Content-Length has a body: one sent in chunks. */
    private static boolean hasBody(HttpServerRequest request) {
        String coding = request.getHeader("transfer-encoding");
        return coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /**
     * Nobody reads the rest of a streamed request body: what still comes is let through unread
     * (so the client gets to read the answer, and the connection can serve its next request),
     * up to the listener's body limit more, past which the connection closes.
     */
    private void drainThenClose(HttpServerRequest request) {
        if (request.isEnded()) {
            return;
        }
        long[] drained = {0};
        request.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > maxBody) {
                request.connection().close();
            }
        });
        request.exceptionHandler(ignored -> { });
        request.endHandler(ignored -> { });
        request.resume();
    }

    /** A streamed request body went past the listener's limit: 413, unless the response is on its way already. */
    private void refuseStreamedBody(HttpServerRequest request) {
        HttpServerResponse out = request.response();
        if (out.ended() || out.closed()) {
            return;
        }
        if (out.headWritten()) {
            request.connection().close();
            return;
        }
        out.setStatusCode(413).putHeader("content-type", "text/plain;charset=UTF-8")
                .end("Request body too large: the limit is " + maxBody + " bytes.\n");
        drainThenClose(request);
    }

    /**
     * The depth a request comes at: 0 from a client, or, from a worker's {@code fetch()} that came
     * back through the network, the depth its header names (anything else in it counts as 0).
     */
    static int callDepth(String header) {
        if (header == null || header.isEmpty() || header.length() > 3) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(header.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The listener's own address, as a URL's authority: for an HTTP/1.0 request that named no host. */
    private static String localAuthority(HttpServerRequest request) {
        String host = request.localAddress().hostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + request.localAddress().port();
    }

    private void invoke(HttpServerRequest request, Context context, ScriptRef target, boolean upgrade, byte[] body,
            Optional<BodyStream> stream, int depth) {
        // (The headers' size() would sort their names to count them.)
        List<String> headers = new ArrayList<>(HEADER_LIST_CAPACITY);
        request.headers().forEach((key, value) -> {
            String name = key.toLowerCase(Locale.ROOT);
            if (!setByPlatform(name)) {
                headers.add(name);
                headers.add(value);
            }
        });
        if (request.remoteAddress() != null) {
            headers.add("cf-connecting-ip");
            headers.add(request.remoteAddress().hostAddress());
        }
        String authority = request.authority() != null ? request.authority().toString() : localAuthority(request);
        String url = (request.isSSL() ? "https://" : "http://") + authority + request.path()
                + (request.query() == null ? "" : "?" + request.query());
        WorkerRequest workerRequest = stream.isPresent()
                ? WorkerRequest.streamed(request.method().name(), url, headers, stream.get(), RequestCf.of(request))
                : new WorkerRequest(request.method().name(), url, headers, body, RequestCf.of(request));
        Optional<String> acceptEncoding = Optional.ofNullable(request.getHeader("accept-encoding"));
        platform.invoker().invoke(target, workerRequest, depth).whenComplete((response, error) -> {
            if (body != null) {
                bodies.release(body);
            }
            context.runOnContext(v -> {
                if (response != null && response.webSocket().isPresent()) {
                    upgradeOrRefuse(request, target, response, upgrade, depth > 0);
                    return;
                }
                if (upgrade) {
                    request.resume();
                }
                if (request.version() == HttpVersion.HTTP_1_0) {
                    // An HTTP/1.0 client cannot be sent chunks: a body of no declared length (streamed,
                    // or coded on its way) ends where the connection does, even one kept alive.
                    HttpServerResponse out = request.response();
                    out.bodyEndHandler(ignored -> {
                        if (!out.headers().contains("content-length")) {
                            request.connection().close();
                        }
                    });
                }
                answer(request.response(), target, response, error, bodies, workerRequest.method(), acceptEncoding,
                        new SlowClient(() -> dev.tenantd.platform.Connections.unsentBytes(request.connection()),
                                () -> ConnectionGuard.closeNow(request.connection())));
            });
        });
    }

    /**
     * A worker's 101 with a WebSocket: the client's connection becomes that WebSocket. Given
     * to a request that did not ask for an upgrade, the WebSocket is closed and the client
     * gets a 500, as for any response that cannot be sent.
     */
    private void upgradeOrRefuse(HttpServerRequest request, ScriptRef script, WorkerResponse response, boolean upgrade,
            boolean fromWorker) {
        WebSocketEnd end = response.webSocket().orElseThrow();
        if (upgrade && response.status() == 101) {
            request.toWebSocket().onComplete(ar -> {
                if (ar.succeeded()) {
                    // A connection a worker opened to this server through the network: its messages are a
                    // worker's, and start no fresh budget (a worker talking to itself would never stop).
                    WebSocketBridge.bridge(vertx, ar.result(), end, bodies, !fromWorker);
                } else {
                    LOG.debug("WebSocket handshake with the client failed: {}", ar.cause().toString());
                    end.close(WebSocketLimits.ABNORMAL, "The client's WebSocket handshake failed.");
                }
            });
            return;
        }
        end.close(WebSocketLimits.INTERNAL_ERROR, "The request was not a WebSocket upgrade.");
        LOG.info("worker {} answered a request that is not a WebSocket upgrade with a WebSocket", script);
        if (upgrade) {
            request.resume();
        }
        answer(request.response(), script, null, new InvocationException(Outcome.EXCEPTION, "TypeError",
                "A WebSocket can only be returned for a WebSocket upgrade request."), bodies);
    }

    /** A request body that is too large, or does not fit in the budget for bodies now: the connection closes. */
    private static void refuseBody(HttpServerRequest request, Throwable cause) {
        HttpServerResponse out = request.response();
        if (out.ended() || out.closed()) {
            return;
        }
        String text = switch (cause) {
            case BoundedBody.TooLarge tooLarge -> "Request body too large: the limit is " + tooLarge.limit() + " bytes.";
            case BoundedBody.Busy busy -> busy.getMessage();
            default -> "The request body could not be read: " + cause.getMessage();
        };
        int status = cause instanceof BoundedBody.TooLarge ? 413 : cause instanceof BoundedBody.Busy ? 503 : 400;
        out.setStatusCode(status).putHeader("content-type", "text/plain;charset=UTF-8").putHeader("connection", "close")
                .end(text + "\n").onComplete(ignored -> request.connection().close());
    }

    /** What the client sees when an invocation ends without a response. */
    private record Failure(int status, String body) {
    }

    private static Failure failure(ScriptRef script, Throwable cause) {
        if (!(cause instanceof InvocationException ie)) {
            LOG.error("invoking {} failed", script, cause);
            return new Failure(500, "Worker threw exception");
        }
        return switch (ie.outcome()) {
            case SCRIPT_NOT_FOUND -> new Failure(404, "Worker '" + script.name() + "' not found");
            case EXCEEDED_CPU -> new Failure(503, "Error 1102: Worker exceeded CPU time limit.");
            case EXCEEDED_MEMORY -> new Failure(503, "Error 1102: Worker exceeded memory limit.");
            case EXCEEDED_WALL_TIME -> new Failure(503, "Worker exceeded its wall time limit.");
            case EXCEEDED_SUBREQUESTS -> new Failure(503, "Worker exceeded its subrequest limit (Too many subrequests).");
            case CANCELED -> new Failure(503, "Worker invocation was canceled.");
            case LOAD_SHED, UNAVAILABLE -> new Failure(503, ie.getMessage());
            case OK, EXCEPTION -> {
                LOG.info("worker {} threw: {}: {}", script, LogText.clip(ie.errorName()), LogText.clip(ie.getMessage()));
                yield new Failure(500, "Worker threw exception");
            }
        };
    }

    /**
     * Writes the outcome of an invocation, and never leaves the client without an answer:
     * whatever fails while the response is written (the runtime checks status and headers,
     * this is the last line) is logged, and the client gets a 500 if nothing was sent yet,
     * or a closed connection if the head was already out.
     */
    static void answer(HttpServerResponse out, ScriptRef script, WorkerResponse response, Throwable error,
            BodyBudget bodies) {
        answer(out, script, response, error, bodies, "GET", Optional.empty(), new SlowClient(() -> 0, out::reset));
    }

    /** A client's connection as the budget for bodies sees it: what waits for the client, and how to close it. */
    record SlowClient(java.util.function.LongSupplier unsent, Runnable close) {
    }

    /**
     * As above, for a request with this method and Accept-Encoding (which decide the content
     * coding sent); {@code client} tells what the client has not taken yet and lets go of one
     * that takes nothing.
     */
    static void answer(HttpServerResponse out, ScriptRef script, WorkerResponse response, Throwable error,
            BodyBudget bodies, String method, Optional<String> acceptEncoding, SlowClient client) {
        try {
            write(out, script, response, error, bodies, method, acceptEncoding, client);
        } catch (RuntimeException e) {
            LOG.error("writing the response of worker {} failed; answering 500: {}", script, e.toString());
            if (response != null) {
                bodies.release(response.body());
                response.discardBody();
            }
            if (out.closed() || out.ended()) {
                return;
            }
            if (out.headWritten()) {
                out.reset();
                return;
            }
            try {
                out.headers().clear();
                // The message first: setting the code keeps whatever message is set, the refused one included.
                out.setStatusMessage("Internal Server Error").setStatusCode(500)
                        .putHeader("content-type", "text/plain;charset=UTF-8").end("Worker threw exception\n");
            } catch (RuntimeException again) {
                LOG.error("answering 500 for worker {} failed too; closing the connection: {}", script, again.toString());
                out.reset();
            }
        }
    }

    /**
     * The Content-Length of an answer to HEAD: the length of the body the worker gave, or when
     * it gave none (a proxied HEAD), the length its own header names; none for a status that
     * has no body (1xx, 204, 304) or when neither says.
     */
    static java.util.OptionalLong headLength(WorkerResponse response) {
        int status = response.status();
        if (status < 200 || status == 204 || status == 304) {
            return java.util.OptionalLong.empty();
        }
        if (response.body().length > 0) {
            return java.util.OptionalLong.of(response.body().length);
        }
        java.util.Optional<String> declared = response.header("content-length").map(String::trim);
        if (declared.isPresent() && declared.get().matches("[0-9]{1,18}")) {
            return java.util.OptionalLong.of(Long.parseLong(declared.get()));
        }
        return java.util.OptionalLong.empty();
    }

    private static void write(HttpServerResponse out, ScriptRef script, WorkerResponse response, Throwable error,
            BodyBudget bodies, String method, Optional<String> acceptEncoding, SlowClient client) {
        if (out.closed() || out.ended()) {
            if (response != null) {
                response.discardBody();
            }
            return;
        }
        if (error == null && response.status() == 101) {
            // Without a WebSocket a 101 would switch the connection to nothing: the client would
            // wait on it, and the server would no longer time it out.
            response.discardBody();
            error = new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "A response with status 101 must carry a WebSocket; the worker's had none.");
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            Failure failure = failure(script, cause);
            out.setStatusCode(failure.status()).putHeader("content-type", "text/plain;charset=UTF-8").end(failure.body() + "\n");
            return;
        }
        out.setStatusCode(response.status());
        if (!response.statusText().isEmpty()) {
            out.setStatusMessage(response.statusText());
        }
        if (response.status() == 304 || response.status() == 204) {
            // No Content-Length: Vert.x gives an empty answer "0", except for a 304 with its own
            // reason phrase; a 304 may only name the 200's length (a cache in front would take the
            // 0 for it), a 204 none at all (RFC 9110, 8.6).
            out.headersEndHandler(v -> {
                // Only for that answer: a 500 sent instead (the answer failed on its way) keeps its length.
                if (out.getStatusCode() == 304 || out.getStatusCode() == 204) {
                    out.headers().remove("content-length");
                }
            });
        }
        ResponseEncoding.Choice coding = ResponseEncoding.choose(method, acceptEncoding, response);
        List<String> h = coding == ResponseEncoding.Choice.AS_IS ? response.headers()
                : ResponseEncoding.headers(coding, response.headers());
        for (int i = 0; i + 1 < h.size(); i += 2) {
            if (!HOP_BY_HOP.contains(h.get(i))) {
                out.headers().add(h.get(i), h.get(i + 1));
            }
        }
        if (response.stream().isPresent()) {
            long length = response.stream().get().length();
            if (length >= 0 && coding == ResponseEncoding.Choice.AS_IS && response.status() != 204
                    && response.status() != 304) {
                // A stream held to its length (an origin's declared one, a FixedLengthStream's)
                // goes out with it rather than in chunks.
                out.putHeader("content-length", Long.toString(length));
            }
            if (method.equals("HEAD")) {
                response.discardBody();
                out.end();
            } else {
                StreamedResponse.send(Vertx.currentContext(), out, ResponseEncoding.coded(coding, response.stream().get()),
                        "worker " + script);
            }
            return;
        }
        byte[] body = response.body();
        // A client that takes its response slowly holds the body in the budget meanwhile; when the
        // budget is full, those that have taken next to nothing for a while are let go (BodyBudget).
        // What the client has not taken: the bytes not yet handed to the connection (as they are,
        // or coded; either is handed over in pieces as the connection drains), and those it queues.
        java.util.concurrent.atomic.AtomicLong handed = new java.util.concurrent.atomic.AtomicLong();
        java.util.function.LongSupplier unsent = () -> Math.max(0, body.length - handed.get()) + client.unsent().getAsLong();
        Context context = Vertx.currentContext();
        bodies.sending(body, unsent, () -> context.runOnContext(v -> {
            if (!out.closed()) {
                LOG.info("closing a connection whose client has not taken the {}-byte response of worker {} while the "
                        + "memory for bodies in flight is full", body.length, script);
                client.close().run();
            }
            // The write it was queued for fails with the connection; the budget need not wait for that.
            bodies.release(body);
        }));
        if (coding != ResponseEncoding.Choice.AS_IS) {
            ResponseEncoding.send(context, out, coding, body, handed, () -> bodies.release(body));
        } else if (method.equals("HEAD")) {
            headLength(response).ifPresent(length -> out.putHeader("content-length", Long.toString(length)));
            out.end().onComplete(ignored -> bodies.release(body));
        } else {
            BufferedResponse.send(context, out, body, handed, () -> bodies.release(body));
        }
    }
}
