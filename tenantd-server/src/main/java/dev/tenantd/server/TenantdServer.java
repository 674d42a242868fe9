package dev.tenantd.server;

import dev.tenantd.api.ControlApi;
import dev.tenantd.dashboard.Dashboard;
import dev.tenantd.platform.Egress;
import dev.tenantd.platform.Platform;
import dev.tenantd.platform.Secrets;
import dev.tenantd.platform.binding.BindingKind;
import dev.tenantd.platform.cache.CacheKind;
import dev.tenantd.platform.cache.CacheService;
import dev.tenantd.platform.d1.D1BindingKind;
import dev.tenantd.platform.d1.D1Databases;
import dev.tenantd.platform.kv.KvBindingKind;
import dev.tenantd.platform.kv.KvService;
import dev.tenantd.platform.observability.InvocationRecorder;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.runtime.EngineOptions;
import dev.tenantd.server.metrics.MetricsRoute;
import dev.tenantd.server.metrics.ServerMetrics;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.store.sqlite.SqliteD1Catalogue;
import dev.tenantd.store.sqlite.SqliteInvocationAnalytics;
import dev.tenantd.store.sqlite.SqliteInvocationStore;
import dev.tenantd.store.sqlite.SqliteKvStore;
import dev.tenantd.store.sqlite.SqliteStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running tenantd: the worker listener, the API listener and everything behind them. */
public final class TenantdServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantdServer.class);

    private final ServerConfig config;
    private final Vertx vertx;
    private final SqliteStore store;
    private final JsEngine engine;
    private final Platform platform;
    private final KvService kv;
    private final SqliteD1Catalogue d1Catalogue;
    private final D1Databases d1;
    private final CacheService cache;
    private final SqliteInvocationStore invocationStore;
    private final InvocationRecorder invocations;
    private final SqliteInvocationAnalytics analytics;
    /** Where analytics queries run, off the worker pool the rest of the API shares. */
    private final dev.tenantd.platform.observability.AnalyticsThreads analyticsThreads;
    private final ServerMetrics metrics;
    /** A server of {@link StartupWarmUp}: it says nothing and leaves the heap as it is when it starts. */
    private final boolean throwaway;
    private volatile HttpServer workerServer;
    private volatile HttpServer apiServer;
    /** Set when {@link #close} begins: {@code /healthz} answers 503, so a load balancer sends no more. */
    private volatile boolean stopping;
    /**
     * How long answers already made (a cancelled invocation's 503) and API requests in flight
     * have to leave once the isolates' grace is over, before their connections are cut.
     */
    private static final long LAST_ANSWERS_MS = 2_000;
    /** The ports of both listeners once they listen (a fetch to the machine's own addresses may reach them). */
    private volatile java.util.Set<Integer> listenerPorts = java.util.Set.of();

    /** The ports of this server a worker's fetch() to one of the machine's own addresses may reach, besides 80 and 443. */
    java.util.Set<Integer> listenerPortsWorkersReach() {
        return listenerPorts;
    }

    private TenantdServer(ServerConfig config, boolean throwaway) {
        this.config = config;
        this.throwaway = throwaway;
        // What is open so far, closed in reverse if a later step fails: a server that fails to
        // start (the warm-up's, say, with the process going on) leaves no threads or files open.
        java.util.Deque<Runnable> opened = new java.util.ArrayDeque<>();
        try {
            int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
            opened.push(vertx::close);
            this.vertx = vertx;
            // Start every event loop thread now, at normal priority: a thread inherits its creator's
            // OS priority, and a loop first used by a CPU-heavy isolate's background JS thread
            // (an egress fetch) would otherwise run at nice 19 for good. Each context made from
            // this (non-Vert.x) thread takes the next event loop in turn.
            for (int i = 0; i < eventLoops; i++) {
                vertx.getOrCreateContext().runOnContext(ignored -> { });
            }
            removeLeftovers(config.dataDir());
            SqliteStore store = SqliteStore.open(config.dataDir());
            opened.push(store::close);
            this.store = store;
            store.ensureAccount(config.accountId(), "default");
            store.putToken(config.accountId(), BlobStore.sha256(config.apiToken().getBytes(StandardCharsets.UTF_8)), "bootstrap");
            KvService kv = KvService.create(SqliteKvStore.open(config.dataDir(), KV_THREADS), java.time.Clock.systemUTC(),
                    KV_THREADS, config.kv());
            opened.push(kv::close);
            this.kv = kv;
            SqliteD1Catalogue d1Catalogue = SqliteD1Catalogue.open(config.dataDir());
            opened.push(d1Catalogue::close);
            this.d1Catalogue = d1Catalogue;
            D1Databases d1 = D1Databases.open(config.dataDir(), d1Catalogue, config.d1());
            opened.push(d1::close);
            this.d1 = d1;
            CacheService cache = CacheService.open(config.dataDir().resolve("cache"), config.cache(), java.time.Clock.systemUTC());
            opened.push(cache::close);
            this.cache = cache;
            SqliteInvocationStore invocationStore = SqliteInvocationStore.open(config.dataDir(), 2);
            opened.push(invocationStore::close);
            this.invocationStore = invocationStore;
            SqliteInvocationAnalytics analytics = SqliteInvocationAnalytics.open(config.dataDir(), 2);
            opened.push(analytics::close);
            this.analytics = analytics;
            dev.tenantd.platform.observability.AnalyticsThreads analyticsThreads =
                    new dev.tenantd.platform.observability.AnalyticsThreads();
            opened.push(analyticsThreads::close);
            this.analyticsThreads = analyticsThreads;
            InvocationRecorder invocations = InvocationRecorder.start(invocationStore, config.observability(),
                    java.time.Clock.systemUTC());
            opened.push(invocations::close);
            this.invocations = invocations;
            List<BindingKind> kinds = List.of(new KvBindingKind(kv), new D1BindingKind(d1),
                    new CacheKind(cache, this::trustedNamespace));
            JsEngine engine = JsEngine.start(EngineOptions.defaults()
                    .withJsThreads(config.jsThreads())
                    .withHeapLimitMb(config.limits().memoryMb())
                    .withStartupCpuMs(config.limits().startupMs())
                    .withNativeCacheDir(nativeCacheDir(config.dataDir()))
                    .withMaxLongTurns(config.capacity().longTurns())
                    .withBufferedBodyBytes(config.capacity().bufferedBodyBytes()), Platform.bindingScripts(kinds));
            opened.push(engine::close);
            this.engine = engine;
            ServerMetrics metrics = new ServerMetrics(config.metrics());
            opened.push(metrics::close);
            this.metrics = metrics;
            Platform platform = Platform.builder()
                    .metrics(metrics.invocations())
                    .store(store)
                    .blobs(new BlobStore(config.dataDir().resolve("blobs")))
                    .engine(engine)
                    .secrets(new Secrets(secretKey(config.dataDir())))
                    .limits(config.limits())
                    .defaultAccountId(config.accountId())
                    .routes(config.routes())
                    .workersDevDomain(config.workersDevDomain())
                    .egress(new Egress(vertx, this::apiAddress, () -> listenerPorts, engine.bodies(),
                            config.limits().memoryMb() * 1024L * 1024L))
                    .egressPolicy(config.egress())
                    .bindingKinds(kinds)
                    .invocations(invocations)
                    .build();
            opened.push(platform::close);
            this.platform = platform;
            if (config.capacity().residentBytes() > 0) {
                platform.invoker().guardResidentMemory(config.capacity().residentBytes());
            }
            metrics.bind(engine, platform.invoker(), List.of(platform.invoker().loadExecutor(),
                    platform.invoker().assetExecutor(), kv.executor(),
                    d1.executor(), cache.executor()));
            metrics.bindRecords(invocations);
            kv.timeCallsWith(metrics.timing("kv"));
            cache.timeCallsWith(metrics.timing("cache"));
        } catch (RuntimeException | Error e) {
            while (!opened.isEmpty()) {
                closeStep(opened.pop());
            }
            throw e;
        }
    }

    /** Runs one step of closing; a step that fails is logged, and the next ones still run. */
    private static void closeStep(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("closing: {}", e.toString());
        }
    }

    /** Whether a dispatch namespace shares one cache among its workers; asked on cache calls, once the platform exists. */
    private boolean trustedNamespace(String namespaceId) {
        return platform.directory().namespaceById(namespaceId).map(dev.tenantd.platform.Namespace::trustedWorkers)
                .orElse(false);
    }

    /** Threads (and read connections) of the KV executor. */
    private static final int KV_THREADS = 4;

    /** Starts both listeners; ports of 0 are chosen by the OS (see {@link #port()} and {@link #apiPort()}). */
    public static TenantdServer start(ServerConfig config) {
        return start(config, false);
    }

    /** A server for {@link StartupWarmUp}, on a configuration of its own. */
    static TenantdServer startThrowaway(ServerConfig config) {
        return start(config, true);
    }

    private static TenantdServer start(ServerConfig config, boolean throwaway) {
        TenantdServer server = new TenantdServer(config, throwaway);
        try {
            server.listen();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void listen() {
        if (!throwaway) {
            HeapBudget.warning(config, Runtime.getRuntime().maxMemory()).ifPresent(LOG::warn);
            // Before the first request: start-up's garbage goes, and the heap it touched with it.
            HeapCompaction.compact();
        }
        Router api = Router.router(vertx);
        api.get("/healthz").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
                .setStatusCode(stopping ? 503 : 200).end(stopping ? "{\"status\":\"stopping\"}" : "{\"status\":\"ok\"}"));
        MetricsRoute.mount(api, vertx, metrics, config.apiToken());
        ControlApi.mount(api, vertx, platform, kv, d1, analytics, engine.bodies(), analyticsThreads);
        Dashboard.load().mount(api);
        api.route().handler(ctx -> ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
                .end("{\"success\":false,\"errors\":[{\"code\":7000,\"message\":\"No route for that URI: the API is under /client/v4\"}],\"messages\":[],\"result\":null}"));
        // wrangler tail asks for the trace-v1 subprotocol and sends its first frame unmasked.
        HttpServerOptions apiOptions = new HttpServerOptions().setHost(config.apiListen().host())
                .setPort(config.apiListen().port())
                .setHttp2ClearTextEnabled(false)
                .addWebSocketSubProtocol("trace-v1")
                .setAcceptUnmaskedFrames(true)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        apiServer = await(guarded(vertx.createHttpServer(apiOptions), "API", apiOptions, ListenerReplies.ENVELOPE)
                .requestHandler(api).listen(), "API listener " + config.apiListen());
        HttpServerOptions workerOptions = new HttpServerOptions().setHost(config.listen().host())
                .setPort(config.listen().port())
                .setHttp2ClearTextEnabled(false)
                // A streamed request body reaches the worker in pieces of this size at most (Vert.x's
                // default, 8 KiB, would cost a hand-off per 8 KiB); it is the chunk size of BodyStream.
                .setMaxChunkSize(dev.tenantd.runtime.BodyStream.CHUNK_BYTES)
                // WebSocket messages over the limit are refused with close code 1009 (WebSocketBridge).
                .setMaxWebSocketFrameSize(dev.tenantd.runtime.websocket.WebSocketLimits.DECODED_MESSAGE_BYTES)
                .setMaxWebSocketMessageSize(dev.tenantd.runtime.websocket.WebSocketLimits.DECODED_MESSAGE_BYTES)
                // No WebSocket compression, offered by every browser: inflating a client's frame has no
                // bound before the message limit applies (2 MB can become gigabytes), and deflating
                // each message a worker sends would run on the event loop that serves every tenant.
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        workerServer = await(guarded(vertx.createHttpServer(workerOptions), "worker", workerOptions, ListenerReplies.TEXT)
                .requestHandler(new WorkerIngress(vertx, platform, engine.bodies(), config.listenerLimits())).listen(), "worker listener " + config.listen());
        // The worker listener only: a worker reaches the API through api.cloudflare.com, with its
        // own token, never by this machine's address, behind the firewall that may keep the API's
        // port from the outside.
        listenerPorts = java.util.Set.of(workerServer.actualPort());
        if (throwaway) {
            return;
        }
        LOG.info("tenantd serving workers on http://{}:{} and the API on http://{}:{}/client/v4 (account {})",
                config.listen().host(), port(), config.apiListen().host(), apiPort(), config.accountId());
        // Start-up (the runtime's code cache, the first isolates, the JIT) leaves tens of MB of
        // freed native memory resident until it is handed back.
        engine.releaseFreeNativeMemory();
    }

    /**
     * Timeouts and connection caps of {@code [server]}, and clear answers to requests that are
     * not HTTP. Both listeners speak HTTP/1.1 only: with cleartext HTTP/2 on, Vert.x would set a
     * connection up only after its first bytes (so a silent one escapes the caps and clocks), and
     * an {@code Upgrade: h2c} would leave the HTTP/1.1 pipeline the clock watches.
     */
    private HttpServer guarded(HttpServer server, String name, HttpServerOptions options, ListenerReplies replies) {
        return server.connectionHandler(new ConnectionGuard(name, config.listenerLimits(), replies))
                .invalidRequestHandler(InvalidRequests.handler(replies, options));
    }

    private static <T> T await(io.vertx.core.Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot start the " + what + ": " + cause.getMessage(), cause);
        }
    }

    public int port() {
        return workerServer.actualPort();
    }

    public int apiPort() {
        return apiServer.actualPort();
    }

    public Platform platform() {
        return platform;
    }

    public KvService kv() {
        return kv;
    }

    private String apiAddress() {
        String host = config.apiListen().host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return host + ":" + apiPort();
    }

    /**
     * Deletes what earlier processes left under {@code tmp} in the data directory: {@code
     * uploads}, where earlier versions of tenantd buffered multipart uploads (request bodies are
     * held in memory now), and {@code warm-up}, the start-up warm-up's throwaway server, left by a
     * process that ended during its warm-up (a start without warm-up would keep it for good).
     */
    private static void removeLeftovers(Path dataDir) {
        for (String name : List.of("uploads", "warm-up")) {
            Path left = dataDir.resolve("tmp").resolve(name);
            if (!Files.isDirectory(left, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                LOG.info("removed {} leftover file(s) from {}", deleteTree(left) - 1, left);
            } catch (IOException e) {
                LOG.warn("cannot remove the leftovers in {}: {}", left, e.toString());
            }
        }
    }

    /** Deletes {@code dir} and everything in it; answers how many paths went (0 if there was none). */
    static int deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = all.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.delete(p);
            }
            return paths.size();
        }
    }

    private static Path nativeCacheDir(Path dataDir) {
        String env = System.getenv("TENANTD_NATIVE_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "tenantd", "native");
    }

    /** The key that seals secrets at rest: {@code TENANTD_SECRET_KEY} (base64), else a key file made once. */
    private static byte[] secretKey(Path dataDir) {
        String env = System.getenv("TENANTD_SECRET_KEY");
        if (env != null && !env.isBlank()) {
            return checkSecretKey(env);
        }
        Path file = dataDir.resolve("secret.key");
        return secretKeyBytes(SecretFiles.readOrCreate(file, () -> Base64.getEncoder().encodeToString(Secrets.newKey())),
                file.toString());
    }

    /**
     * The key {@code TENANTD_SECRET_KEY} gives (null or blank: none), or an error saying what is
     * wrong with it: 32 bytes in base64, as {@code openssl rand -base64 32} prints.
     */
    static byte[] checkSecretKey(String env) {
        return env == null || env.isBlank() ? null : secretKeyBytes(env, "TENANTD_SECRET_KEY");
    }

    private static byte[] secretKeyBytes(String base64, String from) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(from + " is not base64 (" + e.getMessage() + "); the key is 32 bytes in "
                    + "base64, as `openssl rand -base64 32` prints");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(from + " holds " + key.length + " bytes; the key is 32 bytes in base64, as "
                    + "`openssl rand -base64 32` prints");
        }
        return key;
    }

    /** Stops within the configured grace ({@code [server] shutdown-grace-ms}): see {@link #close(java.time.Duration)}. */
    @Override
    public void close() {
        close(java.time.Duration.ofMillis(throwaway ? 0 : config.listenerLimits().shutdownGraceMs()));
    }

    /**
     * Stops the server, letting what it is serving finish within {@code grace}: {@code /healthz}
     * answers 503 from the start, the worker listener takes no new connection and closes each
     * open one once its request is answered (an idle one at once), and the isolates go on until
     * those requests and their {@code waitUntil} work have ended. When {@code grace} is over, what
     * is left is cut off (invocations cancelled, WebSockets closed with 1001). Then the API
     * listener stops, then the platform, and the stores close after every record is in.
     */
    public void close(java.time.Duration grace) {
        stopping = true;
        if (!throwaway && platform != null) {
            LOG.info("tenantd stopping: serving what is in flight for up to {} ms", grace.toMillis());
        }
        // Answered requests close their connections; the rest is cut once the isolates had their grace.
        Future<Void> workersStopped = workerServer == null ? Future.succeededFuture()
                : workerServer.shutdown(grace.toMillis() + LAST_ANSWERS_MS, TimeUnit.MILLISECONDS);
        closeStep(() -> platform.drain(grace, workersStopped::isComplete));
        try {
            workersStopped.toCompletionStage().toCompletableFuture().get(LAST_ANSWERS_MS + 5_000, TimeUnit.MILLISECONDS);
            if (apiServer != null) {
                apiServer.shutdown(LAST_ANSWERS_MS, TimeUnit.MILLISECONDS).toCompletionStage().toCompletableFuture()
                        .get(LAST_ANSWERS_MS + 5_000, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.warn("closing listeners: {}", e.toString());
        }
        for (Runnable step : List.<Runnable>of(platform::close, invocations::close, invocationStore::close,
                analyticsThreads::close, analytics::close, kv::close, engine::close, d1::close, d1Catalogue::close, cache::close, store::close,
                metrics::close, vertx::close)) {
            closeStep(step);
        }
    }
}
