package dev.tenantd.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** One engine for the whole test JVM (V8 flags are process-wide), and helpers to load workers. */
final class Engines {
    static final JsEngine ENGINE = JsEngine.start(EngineOptions.defaults().withJsThreads(2));

    private Engines() {
    }

    static WorkerModule esm(String name, String code) {
        return new WorkerModule(name, ModuleType.ES_MODULE, code.getBytes(StandardCharsets.UTF_8));
    }

    static WorkerSource modules(String main, List<WorkerModule> modules, List<Binding> bindings) {
        return new WorkerSource("test-worker", main, modules, CompatibilityFlags.DEFAULT_DATE, List.of(), bindings);
    }

    static WorkerSource module(String code) {
        return modules("worker.js", List.of(esm("worker.js", code)), List.of());
    }

    static WorkerSource serviceWorker(String code) {
        return new WorkerSource("test-worker", "worker.js",
                List.of(new WorkerModule("worker.js", ModuleType.SERVICE_WORKER, code.getBytes(StandardCharsets.UTF_8))),
                CompatibilityFlags.DEFAULT_DATE, List.of(), List.of());
    }

    static Worker load(WorkerSource source) {
        return load(source, new RecordingHost());
    }

    static Worker load(WorkerSource source, WorkerHost host) {
        return get(ENGINE.load(source, host));
    }

    static WorkerResponse get(Worker worker, String url) {
        return get(worker.fetch(new WorkerRequest("GET", url, List.of(), null)));
    }

    static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(WorkerResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /**
     * A host whose subrequests answer with a description of the request they got
     * (the network beyond this machine is out of reach in tests), and that records logs.
     */
    static class RecordingHost implements WorkerHost {
        final List<LogLine> logs = new CopyOnWriteArrayList<>();
        final List<WorkerRequest> fetched = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request, java.util.Optional<Object> context) {
            fetched.add(request);
            List<String> headers = new ArrayList<>(List.of("content-type", "text/plain", "x-echo-method", request.method()));
            String body = request.method() + " " + request.url() + " " + new String(request.body(), StandardCharsets.UTF_8);
            return CompletableFuture.completedFuture(new WorkerResponse(200, "OK", headers,
                    body.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public boolean dispatchTargetExists(String binding, String script) {
            return script.equals("known");
        }

        @Override
        public CompletableFuture<WorkerResponse> dispatch(String binding, String script, WorkerRequest request,
                String optionsJson) {
            if (!script.equals("known")) {
                return CompletableFuture.failedFuture(new InvocationException(Outcome.SCRIPT_NOT_FOUND, "Worker not found."));
            }
            return CompletableFuture.completedFuture(WorkerResponse.text(200, "dispatched to " + script));
        }

        @Override
        public CompletableFuture<WorkerResponse> service(String binding, WorkerRequest request) {
            return CompletableFuture.completedFuture(WorkerResponse.text(200, "service " + binding));
        }

        @Override
        public void log(LogLine line) {
            logs.add(line);
        }
    }
}
