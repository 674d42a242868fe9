package dev.tenantd.bench;

import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.CompatibilityFlags;
import dev.tenantd.runtime.EngineOptions;
import dev.tenantd.runtime.JsEngine;
import dev.tenantd.runtime.ModuleType;
import dev.tenantd.runtime.Worker;
import dev.tenantd.runtime.WorkerHost;
import dev.tenantd.runtime.WorkerModule;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.WorkerSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JS/Java boundary, one invocation at a time, on an engine with one JS thread:
 *
 * <ul>
 *   <li>{@code roundTrip} - the reference: the smallest request in, "Hello World" out;
 *   <li>{@code requestIn} - a request with 16 headers and a 1 KB body in (the worker reads
 *       the body), a tiny response out: what it costs to bring a real request into an isolate;
 *   <li>{@code responseOut} - the smallest request in, a 1 KB response with 8 headers out;
 *   <li>{@code jsonEcho} - benchmark (c)'s worker: 1 KB of JSON parsed, changed and returned;
 *   <li>{@code dispatchHop} - dispatcher isolate, {@code env.dispatcher.get('user').fetch(request)},
 *       through the {@link WorkerHost} into a second isolate and back;
 *   <li>{@code coldLoad} - a new isolate for a distinct ~12 KB module, its first request, and its close.
 * </ul>
 *
 * The workers are bench/workers/*.js (copied onto the classpath by the pom).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseG1GC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BoundaryBench {
    private static final String DATE = CompatibilityFlags.DEFAULT_DATE;

    private JsEngine engine;
    private Worker hello;
    private Worker reader;
    private Worker writer;
    private Worker json;
    private Worker dispatcher;
    private Worker user;

    private WorkerRequest minimal;
    private WorkerRequest heavy;
    private WorkerRequest jsonRequest;
    private WorkerRequest dispatched;
    private String coldTemplate;
    private long coldCounter;

    /** The dispatch namespace's worker-side wrapper as the platform defines it, in brief: get(name).fetch(request). */
    private static final String DISPATCH_KIND = """
            bindings_define('dispatch_namespace', (channel) => ({
              get(name, args = undefined, options = undefined) {
                return bindings_fetcher(channel, 'dispatch', JSONStringify({ args: args ?? null, ...(options ?? {}), script: name }));
              },
            }));
            """;

    @Setup
    public void setUp() {
        engine = JsEngine.start(EngineOptions.defaults().withJsThreads(1), List.of(DISPATCH_KIND));
        WorkerHost none = WorkerHost.refusing();
        hello = load(esm("hello", "hello.js", resource("hello.js"), List.of()), none);
        reader = load(esm("reader", "reader.js", """
                export default {
                  async fetch(request) {
                    const body = await request.arrayBuffer();
                    return new Response(body.byteLength === 0 ? 'empty' : 'ok');
                  },
                };
                """, List.of()), none);
        writer = load(esm("writer", "writer.js", """
                const BODY = 'x'.repeat(1024);
                const HEADERS = {
                  'content-type': 'text/plain;charset=UTF-8', 'cache-control': 'no-store',
                  'x-request-id': '5b0c2a1e-8c1f-4f0e-9d7a-2f4c1b9e3a77', 'x-served-by': 'bench',
                  'x-plan': 'pro', 'x-region': 'local', 'vary': 'accept-encoding', 'x-version': '42',
                };
                export default {
                  fetch() {
                    return new Response(BODY, { headers: HEADERS });
                  },
                };
                """, List.of()), none);
        json = load(esm("json", "json.js", resource("json.js"), List.of()), none);
        user = load(esm("user", "hello.js", resource("hello.js"), List.of()), none);
        dispatcher = load(esm("dispatcher", "dispatcher.js", resource("dispatcher-tenantd.js"),
                List.of(new Binding.Channel("dispatcher", "dispatch_namespace", 0, "{}"))), dispatchingTo(user));

        minimal = new WorkerRequest("GET", "http://hello.bench.test/", List.of(), null);
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            headers.add("x-header-" + i);
            headers.add("value number " + i + " of a request that carries a realistic set of headers");
        }
        heavy = new WorkerRequest("POST", "http://reader.bench.test/api/v1/items?page=2&sort=desc", headers,
                "y".repeat(1024).getBytes(StandardCharsets.UTF_8));
        jsonRequest = new WorkerRequest("POST", "http://json.bench.test/",
                List.of("content-type", "application/json"), resource("order.json").getBytes(StandardCharsets.UTF_8));
        dispatched = new WorkerRequest("GET", "http://user.bench.test/", List.of(), null);
        coldTemplate = resource("cold-sample.js");

        expect(roundTrip(), 200, "Hello World");
        expect(requestIn(), 200, "ok");
        expect(responseOut(), 200, "x".repeat(1024));
        expect(jsonEcho(), 200, null);
        expect(dispatchHop(), 200, "Hello World");
        expect(coldLoad(), 200, "cold cold-sample");
    }

    @TearDown
    public void tearDown() {
        for (Worker w : List.of(hello, reader, writer, json, dispatcher, user)) {
            w.close();
        }
        engine.close();
    }

    @Benchmark
    public WorkerResponse roundTrip() {
        return hello.fetch(minimal).join();
    }

    @Benchmark
    public WorkerResponse requestIn() {
        return reader.fetch(heavy).join();
    }

    @Benchmark
    public WorkerResponse responseOut() {
        return writer.fetch(minimal).join();
    }

    @Benchmark
    public WorkerResponse jsonEcho() {
        return json.fetch(jsonRequest).join();
    }

    @Benchmark
    public WorkerResponse dispatchHop() {
        return dispatcher.fetch(dispatched).join();
    }

    @Benchmark
    public WorkerResponse coldLoad() {
        long n = ++coldCounter;
        // A distinct source every time, so nothing compiled before can be reused.
        String code = "const COLD_RUN = " + n + ";\n" + coldTemplate;
        Worker worker = engine.load(esm("cold-" + n, "main.js", code, List.of()), WorkerHost.refusing()).join();
        try {
            return worker.fetch(minimal).join();
        } finally {
            worker.close();
        }
    }

    /**
     * The platform's part of a dispatch, reduced to its minimum: {@code dispatch} forwards
     * to the one user worker, everything else is refused. A dynamic proxy rather than a
     * class, so that host methods this benchmark does not use can change their signatures
     * without breaking it (the reflective call costs well under a microsecond).
     */
    private static WorkerHost dispatchingTo(Worker target) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "callNow":
                    return "user".equals(((ChannelCall) args[0]).args()) ? "yes" : "no";
                case "call":
                    ChannelCall call = (ChannelCall) args[0];
                    WorkerRequest request = call.request()
                            .orElseThrow(() -> new IllegalStateException("dispatch without a request"));
                    return target.fetch(request).thenApply(ChannelReply::response);
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "DispatchHost";
                default:
                    break;
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            Class<?> type = method.getReturnType();
            if (CompletableFuture.class.isAssignableFrom(type)) {
                return CompletableFuture.failedFuture(new IllegalStateException(method.getName() + " is not available here"));
            }
            return type == boolean.class ? Boolean.FALSE : null;
        };
        return (WorkerHost) Proxy.newProxyInstance(WorkerHost.class.getClassLoader(), new Class<?>[] {WorkerHost.class},
                handler);
    }

    private Worker load(WorkerSource source, WorkerHost host) {
        return engine.load(source, host).join();
    }

    private static WorkerSource esm(String script, String name, String code, List<Binding> bindings) {
        return new WorkerSource(script, name,
                List.of(new WorkerModule(name, ModuleType.ES_MODULE, code.getBytes(StandardCharsets.UTF_8))),
                DATE, List.of(), bindings);
    }

    private static String resource(String name) {
        try (InputStream in = BoundaryBench.class.getResourceAsStream("/workers/" + name)) {
            if (in == null) {
                throw new IllegalStateException("bench/workers/" + name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void expect(WorkerResponse response, int status, String body) {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.status() != status || (body != null && !text.equals(body))) {
            throw new IllegalStateException("unexpected response " + response.status() + ": " + text);
        }
    }
}
