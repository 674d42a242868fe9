package dev.tenantd.server;

import dev.tenantd.platform.Route;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic through a throwaway tenantd in this process before the real one opens its listeners,
 * so that the JVM has compiled the server's own request path (HTTP, ingress, dispatch, the worker
 * pool, starting an isolate, invocation) before the first tenant's request arrives. Without it,
 * the first thousands of requests after a start run that path interpreted or half compiled, and
 * a worker's first request after a restart takes markedly longer than on a server that has
 * served for a few seconds ({@code bench/results/2026-12-05-warm-up.md}).
 *
 * <p>The throwaway server has a data directory of its own ({@code tmp/warm-up} in the data
 * directory, emptied before and deleted after), its own account and token, and ports on loopback
 * chosen by the system; it shares nothing with the real server but the process and the code
 * caches of the runtime and of its own workers. Its workers are tenantd's own
 * ({@code warm-up/*.js}): a dispatch worker and {@value #TENANTS} user workers, uploaded through
 * the API, with room for fewer live isolates than that, so that the load also starts isolates
 * from the module code cache over and over, as a worker's first request after a restart does.
 * No tenant's data, analytics or metrics see any of it.
 *
 * <p>A warm-up that fails is logged and skipped: it never stops the real server from starting.
 */
final class StartupWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(StartupWarmUp.class);

    /** How long the load runs unless {@code warm-up-ms} says otherwise. */
    static final Duration DEFAULT_LOAD = Duration.ofSeconds(3);
    /** User workers the load spreads over ... */
    static final int TENANTS = 8;
    /** ... and the isolates the throwaway server keeps live, fewer than them. */
    static final int LIVE_ISOLATES = 4;
    /** Requests in flight at once. */
    static final int CLIENTS = 16;
    private static final String NAMESPACE = "warm-up";
    private static final String FRONT = "front";

    /**
     * What the warm-up did.
     *
     * @param requests   requests sent through the dispatch worker
     * @param failures   requests that failed or got an unexpected answer
     * @param evictions  isolates the throwaway server evicted for room under the load
     */
    record Result(int requests, int failures, long evictions) {
    }

    private StartupWarmUp() {
    }

    /**
     * Runs a throwaway server shaped like {@code config} (limits, JS threads, capacity, egress) under
     * load for {@code load} (and until each user worker was asked once), then closes it and
     * deletes its data.
     *
     * @throws IOException when the throwaway server cannot be set up (its directory, its uploads)
     */
    static Result run(ServerConfig config, Duration load) throws IOException {
        // Every step's wait ends by this deadline: a warm-up that goes wrong delays the listeners
        // by at most a minute more than its load (and the throwaway server's own close).
        long deadline = System.nanoTime() + load.toNanos() + GRACE.toNanos();
        Path dir = config.dataDir().resolve("tmp").resolve("warm-up");
        delete(dir); // left by a process that ended during its warm-up
        Files.createDirectories(dir);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        try {
            String token = SecretFiles.randomHex(20);
            // Its own listener limits: an operator's narrower ones (connections per address) are
            // for clients, not for this server's own loopback load.
            ServerConfig throwaway = new ServerConfig(dir, new ServerConfig.HostPort("127.0.0.1", 0),
                    new ServerConfig.HostPort("127.0.0.1", 0), "warm-up", token, List.of(Route.parse("*/*=" + FRONT)),
                    config.workersDevDomain(), config.limits().withLiveIsolates(
                            Math.min(LIVE_ISOLATES, config.limits().liveIsolates())), config.egress(), config.jsThreads(),
                    ListenerLimits.defaults(), config.capacity(), config.d1(), config.cache(), config.observability(),
                    config.metrics(), config.kv());
            try (TenantdServer server = TenantdServer.startThrowaway(throwaway)) {
                HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                        new PoolOptions().setHttp1MaxSize(CLIENTS));
                new Api(client, server.apiPort(), token, deadline).setUp();
                long evictedBefore = server.platform().invoker().isolatesEvicted();
                Load traffic = new Load(vertx, client, server.port());
                traffic.run(load, deadline);
                return new Result(traffic.sent.get(), traffic.failed.get(),
                        server.platform().invoker().isolatesEvicted() - evictedBefore);
            }
        } finally {
            try {
                await(vertx.close(), Duration.ofSeconds(10));
            } finally {
                delete(dir);
            }
        }
    }

    /** How long a warm-up may take beyond its load before it gives up. */
    static final Duration GRACE = Duration.ofSeconds(60);

    /** What is left of the time until {@code deadline}; an error once it has passed. */
    private static Duration left(long deadline) throws IOException {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw new IOException("the warm-up ran out of time (" + GRACE.toSeconds() + " s beyond its load)");
        }
        return Duration.ofNanos(nanos);
    }

    /** The throwaway server's API: a namespace, the dispatch worker, the user workers. */
    private record Api(HttpClientAgent client, int port, String token, long deadline) {
        void setUp() throws IOException {
            call(HttpMethod.POST, "/workers/dispatch/namespaces", "application/json", "{\"name\":\"" + NAMESPACE + "\"}");
            upload("/workers/scripts/" + FRONT, "{\"main_module\":\"front.js\",\"compatibility_date\":\"2025-01-01\","
                    + "\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"TENANTS\",\"namespace\":\"" + NAMESPACE
                    + "\"}]}", "front.js", resource("front.js"));
            String tenant = resource("tenant.js");
            for (int i = 0; i < TENANTS; i++) {
                upload("/workers/dispatch/namespaces/" + NAMESPACE + "/scripts/t" + i,
                        "{\"main_module\":\"tenant.js\",\"compatibility_date\":\"2025-01-01\"}", "tenant.js",
                        "const WORKER = \"t" + i + "\";\n" + tenant);
            }
        }

        private void upload(String path, String metadata, String module, String code) throws IOException {
            String boundary = "warm-up-" + SecretFiles.randomHex(8);
            String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                    + "Content-Type: application/json\r\n\r\n" + metadata + "\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"" + module + "\"; filename=\"" + module + "\"\r\n"
                    + "Content-Type: application/javascript+module\r\n\r\n" + code + "\r\n--" + boundary + "--\r\n";
            call(HttpMethod.PUT, path, "multipart/form-data; boundary=" + boundary, body);
        }

        private void call(HttpMethod method, String path, String contentType, String body) throws IOException {
            Duration left = left(deadline);
            RequestOptions request = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
                    .setURI("/client/v4/accounts/warm-up" + path).setTimeout(left.toMillis())
                    .putHeader("authorization", "Bearer " + token).putHeader("content-type", contentType);
            Answer answer = await(client.request(request).compose(r -> r.send(Buffer.buffer(body)))
                    .compose(r -> r.body().map(b -> new Answer(r.statusCode(), b.toString()))), left);
            if (answer.status() != 200) {
                throw new IOException(method + " " + path + " answered " + answer.status() + ": "
                        + answer.body().lines().findFirst().orElse(""));
            }
        }
    }

    private record Answer(int status, String body) {
    }

    /**
     * {@value #CLIENTS} clients, each sending its next request when the last is answered: one
     * takes the user workers other than the first in turn (more of them than live isolates:
     * isolates started from the code cache and evicted), the others all go to the first (kept
     * live: the hot path).
     */
    private static final class Load {
        private static final String[] PATHS = {"/", "/catalogue", "/plans/team", "/search?q=kv+d1", "/stream", "/quote"};
        private final Vertx vertx;
        private final HttpClientAgent client;
        private final int port;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();

        Load(Vertx vertx, HttpClientAgent client, int port) {
            this.vertx = vertx;
            this.client = client;
            this.port = port;
        }

        void run(Duration load, long deadline) throws IOException {
            long end = System.nanoTime() + load.toNanos();
            CountDownLatch done = new CountDownLatch(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                int first = c;
                vertx.runOnContext(ignored -> next(first, end, done));
            }
            try {
                if (!done.await(left(deadline).toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new IOException("requests still unanswered " + GRACE.toSeconds() + " s after the load's end");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        /** Sends the {@code n}th request, and the client's next one once it is answered. */
        private void next(int n, long end, CountDownLatch done) {
            // Client 0 goes on past the end until it has asked each of its workers once.
            if (System.nanoTime() - end >= 0 && (n % CLIENTS != 0 || n / CLIENTS >= TENANTS - 1)) {
                done.countDown();
                return;
            }
            // Client 0 takes the other workers in turn, one request at a time: an isolate is evicted
            // only while nothing runs in it.
            String worker = n % CLIENTS == 0 ? "t" + (1 + (n / CLIENTS) % (TENANTS - 1)) : "t0";
            String path = PATHS[(n / 2) % PATHS.length];
            RequestOptions request = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/" + worker + path)
                    .setTimeout(30_000);
            Buffer body = Buffer.buffer();
            if (path.equals("/quote")) {
                request.setMethod(HttpMethod.POST).putHeader("content-type", "application/json");
                body = Buffer.buffer("{\"requests\":" + ((long) n * 7919 % 200_000_000) + ",\"seats\":3}");
            }
            Buffer send = body;
            client.request(request).compose(r -> r.send(send))
                    .compose(r -> r.body().map(b -> r.statusCode() == 200 && worker.equals(r.getHeader("x-worker"))))
                    .onComplete(answer -> {
                        sent.incrementAndGet();
                        if (answer.failed() || !answer.result()) {
                            failed.incrementAndGet();
                            LOG.debug("start-up warm-up: {} /{}{} failed: {}", request.getMethod(), worker, path,
                                    answer.failed() ? answer.cause().toString() : "not the worker's answer");
                        }
                        // On the next turn of the event loop: a failure answered at once must not recurse.
                        vertx.runOnContext(ignored -> next(n + CLIENTS, end, done));
                    });
        }
    }

    private static <T> T await(Future<T> future, Duration timeout) throws IOException {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no answer in " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = StartupWarmUp.class.getResourceAsStream("warm-up/" + name)) {
            if (in == null) {
                throw new IllegalStateException("warm-up/" + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try {
            TenantdServer.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("cannot delete the start-up warm-up's directory {}: {}", dir, e.toString());
        }
    }
}
