package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Completes the runtime's code cache by serving. V8 compiles a function when it first runs,
 * so a cache taken right after the runtime JavaScript is evaluated holds only what start-up
 * ran, and every new isolate compiled the request path (the invocation glue, {@code Request},
 * {@code URL}, {@code Headers}, {@code Response}, bodies) again at its first request: most of
 * a small worker's first-request time. Here a worker of the runtime's own
 * ({@code warm-up.js}) serves a few ordinary requests in an isolate made from that first
 * cache, and the cache taken from it afterwards holds those functions as well.
 *
 * <p>The cache holds compiled runtime code only: the worker is the runtime's, it runs before
 * any tenant's, and its isolate is closed once the cache is taken. It lives in memory only.
 */
final class RuntimeWarmUp {
    static final String SCRIPT_NAME = "tenantd:warm-up";
    private static final String MODULE = "warm-up.js";
    private static final long TIMEOUT_SECONDS = 30;

    private RuntimeWarmUp() {
    }

    /** The worker the warm-up serves requests with. */
    static WorkerSource source() {
        try (InputStream in = RuntimeWarmUp.class.getResourceAsStream(MODULE)) {
            if (in == null) {
                throw new IllegalStateException("the runtime's resource " + MODULE + " is missing");
            }
            return new WorkerSource(SCRIPT_NAME, MODULE,
                    List.of(new WorkerModule(MODULE, ModuleType.ES_MODULE, in.readAllBytes())),
                    "2025-06-01", List.of(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What it is asked: a plain GET, a JSON listing and a POST with a JSON body. */
    static List<WorkerRequest> requests() {
        List<String> headers = List.of("accept", "*/*", "user-agent", "tenantd-warm-up", "x-request-id", "warm-up");
        List<String> json = List.of("content-type", "application/json", "x-request-id", "warm-up");
        return List.of(
                new WorkerRequest("GET", "http://warm-up.invalid/page?id=1", headers, null),
                new WorkerRequest("POST", "http://warm-up.invalid/items?id=2", json,
                        "{\"name\":\"first\",\"tags\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8)),
                new WorkerRequest("GET", "http://warm-up.invalid/items", headers, null));
    }

    /**
     * Serves {@link #requests()} in an isolate made from {@code compiled} and returns the code
     * cache of the runtime JavaScript that isolate holds afterwards.
     */
    static byte[] codeCache(JsEngine engine, Mailbox mailbox, RuntimeScripts.Bootstrap bootstrap, byte[] compiled)
            throws JavetException, ExecutionException, InterruptedException, TimeoutException {
        IsolateShell[] shell = new IsolateShell[1];
        Worker worker = new Worker(engine, source(), WorkerHost.refusing(), mailbox,
                () -> shell[0] = IsolateShell.recording(bootstrap, compiled));
        try {
            worker.start().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (WorkerRequest request : requests()) {
                WorkerResponse response = worker.fetch(request, InvocationLimits.defaults())
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (response.status() / 100 != 2) {
                    throw new IllegalStateException("the warm-up worker answered " + request.method() + " " + request.url()
                            + " with " + response.status() + ": " + new String(response.body(), StandardCharsets.UTF_8));
                }
            }
            CompletableFuture<byte[]> cache = new CompletableFuture<>();
            mailbox.execute(() -> {
                try {
                    cache.complete(shell[0].takeRuntimeCodeCache());
                } catch (JavetException | RuntimeException e) {
                    cache.completeExceptionally(e);
                }
            });
            return cache.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            worker.close();
        }
    }
}
