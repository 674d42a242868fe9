package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
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
 * resolved first and refused when any address is loopback, private, link-local
 * (cloud metadata) or otherwise not public; the connection then goes to the
 * checked address, and every redirect is checked again.
 */
public final class Egress implements AutoCloseable {
    public static final String CLOUDFLARE_API_HOST = "api.cloudflare.com";
    private static final int MAX_REDIRECTS = 20;
    private static final Set<String> NO_FORWARD = Set.of("host", "connection", "keep-alive", "transfer-encoding",
            "upgrade", "proxy-connection", "te", "trailer", "content-length");

    private final Vertx vertx;
    private final HttpClient client;
    private final Supplier<String> apiAddress;

    /**
     * @param apiAddress host:port of this server's API listener (for requests to {@value #CLOUDFLARE_API_HOST})
     */
    public Egress(Vertx vertx, Supplier<String> apiAddress) {
        this.vertx = vertx;
        this.apiAddress = apiAddress;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setForceSni(true)
                .setConnectTimeout(10_000)
                .setIdleTimeout(60)
                .setKeepAlive(true));
    }

    /** Sends a worker's subrequest under the given policies (platform, namespace, script). */
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request, List<EgressPolicy> policies) {
        // Compose the exchange on an event loop: a response's body must be read on the thread
        // that delivers it, or its end can be missed when the isolate's thread attaches late.
        CompletableFuture<WorkerResponse> result = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> send(request, policies, 0).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result;
    }

    private Future<WorkerResponse> send(WorkerRequest request, List<EgressPolicy> policies, int redirects) {
        URI uri;
        try {
            uri = URI.create(request.url());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "Fetch API cannot load: " + request.url()));
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (https ? 443 : 80);
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());

        if (host.equals(CLOUDFLARE_API_HOST) && target.startsWith("/client/v4")) {
            java.util.Optional<String> refused = EgressPolicy.refusal(policies, host, null, true);
            if (refused.isPresent()) {
                return Future.failedFuture(blocked(host, refused.get()));
            }
            String[] api = apiAddress.get().split(":");
            return exchange(request, api[0], Integer.parseInt(api[1]), false,
                    InetAddressHolder.loopback(), CLOUDFLARE_API_HOST, target, policies, redirects);
        }
        return vertx.<InetAddress>executeBlocking(() -> resolveAllowed(host, policies))
                .compose(address -> exchange(request, host, port, https, address,
                        host + (uri.getPort() > 0 ? ":" + port : ""), target, policies, redirects));
    }

    private Future<WorkerResponse> exchange(WorkerRequest request, String host, int port, boolean https,
            InetAddress address, String hostHeader, String target, List<EgressPolicy> policies, int redirects) {
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
            if (!NO_FORWARD.contains(request.headers().get(i))) {
                headers.add(request.headers().get(i), request.headers().get(i + 1));
            }
        }
        headers.set("host", hostHeader);
        options.setHeaders(headers);
        return client.request(options)
                .compose(req -> req.send(Buffer.buffer(request.body())))
                .compose(resp -> resp.body().map(body -> {
                    List<String> flat = new ArrayList<>();
                    resp.headers().forEach(e -> {
                        flat.add(e.getKey().toLowerCase(Locale.ROOT));
                        flat.add(e.getValue());
                    });
                    return new WorkerResponse(resp.statusCode(), resp.statusMessage() == null ? "" : resp.statusMessage(),
                            flat, body.getBytes());
                }))
                .compose(response -> followRedirect(request, response, policies, redirects))
                .recover(error -> Future.failedFuture(error instanceof InvocationException ? error
                        : new InvocationException(Outcome.EXCEPTION, "TypeError", "Network connection lost: "
                                + (error.getMessage() == null ? error.toString() : error.getMessage()))));
    }

    private Future<WorkerResponse> followRedirect(WorkerRequest request, WorkerResponse response,
            List<EgressPolicy> policies, int redirects) {
        int status = response.status();
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            return Future.succeededFuture(response);
        }
        String location = response.header("location").orElse(null);
        if (location == null) {
            return Future.succeededFuture(response);
        }
        if (redirects >= MAX_REDIRECTS) {
            return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError", "Too many redirects."));
        }
        String next = URI.create(request.url()).resolve(location).toString();
        boolean keepBody = status == 307 || status == 308;
        String method = keepBody || request.method().equals("HEAD") ? request.method() : "GET";
        List<String> headers = keepBody ? request.headers() : withoutContentHeaders(request.headers());
        return send(new WorkerRequest(method, next, headers, keepBody ? request.body() : null), policies, redirects + 1);
    }

    private static List<String> withoutContentHeaders(List<String> headers) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            if (!headers.get(i).startsWith("content-")) {
                out.add(headers.get(i));
                out.add(headers.get(i + 1));
            }
        }
        return out;
    }

    private static InvocationException blocked(String host, String reason) {
        return new InvocationException(Outcome.EXCEPTION, "TypeError",
                "fetch to " + host + " was blocked by the egress policy: " + reason + ".");
    }

    private static InetAddress resolveAllowed(String host, List<EgressPolicy> policies) {
        if (host.isEmpty()) {
            throw new InvocationException(Outcome.EXCEPTION, "TypeError", "Fetch API cannot load: the URL has no host.");
        }
        java.util.Optional<String> byName = EgressPolicy.refusalByName(policies, host);
        if (byName.isPresent()) {
            throw blocked(host, byName.get());
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new InvocationException(Outcome.EXCEPTION, "TypeError", "DNS lookup failed for " + host + ".");
        }
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        for (InetAddress a : all) {
            java.util.Optional<String> refused = EgressPolicy.refusal(policies, name, a, isPublic(a));
            if (refused.isPresent()) {
                throw blocked(host, refused.get());
            }
        }
        return all[0];
    }

    /** Public unicast only: no loopback, private, link-local, CGNAT, unique-local, multicast or unspecified. */
    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return !(first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 192 && second == 0)
                    || (first == 198 && (second == 18 || second == 19)) || first >= 240);
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return false;
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        client.close();
    }

    private static final class InetAddressHolder {
        static InetAddress loopback() {
            return InetAddress.getLoopbackAddress();
        }
    }
}
