package dev.tenantd.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** One engine for the whole test JVM (V8 flags are process-wide), and helpers to load workers. */
final class Engines {
    /**
     * Binding kinds for tests of the channel machinery: {@code test-dispatch} (a namespace
     * of workers, {@code get(name)} checks at once that the worker exists unless the lookup is
     * lazy), {@code test-echo} (a data call whose answer the worker returns as it got it) and
     * {@code test-parts} ({@code loaded(name)}: whether the isolate has loaded a lazy part of the runtime).
     */
    static final String TEST_KINDS = """
            bindings_define('test-dispatch', (channel, config, name, flags) => ({
              get(script) {
                if (!flags.lazy_dispatch_lookup && bindings_callNow(channel, 'exists', script) !== 'yes') {
                  throw new Error('Error: Worker not found.');
                }
                return bindings_fetcher(channel, 'dispatch', script);
              },
            }));
            bindings_define('test-fail', (channel) => ({
              async fail(name) {
                return await bindings_call(channel, 'fail', name, null);
              },
              now(args) {
                return bindings_callNow(channel, 'now', args);
              },
              nowFail(args) {
                return bindings_callNow(channel, 'fail', args);
              },
            }));
            builtins_define('tenantd-test:gated', () => ({ default: 'the default', answer: 42, made: Symbol('made') }),
              (flags) => !flags.lazy_dispatch_lookup, 'turn on the eager_dispatch_lookup compatibility flag');
            bindings_define('test-global', (channel) => {
              defineGlobal('platformEcho', async (args) => await bindings_call(channel, 'echo', args, null));
              return 'never on env';
            });
            bindings_define('test-parts', () => ({
              loaded(name) {
                return lazy_isLoaded(name);
              },
            }));
            bindings_define('test-echo', (channel, config) => ({
              config,
              async echo(args, bytes = null) {
                return await bindings_call(channel, 'echo', args, bytes);
              },
              now(args) {
                return bindings_callNow(channel, 'now', args);
              },
            }));
            """;
    static final JsEngine ENGINE = JsEngine.start(EngineOptions.defaults().withJsThreads(2), List.of(TEST_KINDS));

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
        return new String(bytes(response), StandardCharsets.UTF_8);
    }

    /** The whole body of a response, sent whole or streamed (then read to its end). */
    static byte[] bytes(WorkerResponse response) {
        if (response.stream().isEmpty()) {
            return response.body();
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (java.util.Optional<byte[]> chunk = get(response.stream().get().read()); chunk.isPresent();
                chunk = get(response.stream().get().read())) {
            all.writeBytes(chunk.get());
        }
        return all.toByteArray();
    }

    /**
     * A host whose subrequests answer with a description of the request they got
     * (the network beyond this machine is out of reach in tests), and that records logs.
     */
    static class RecordingHost implements WorkerHost {
        final List<LogLine> logs = new CopyOnWriteArrayList<>();
        final List<WorkerRequest> fetched = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
            fetched.add(request);
            List<String> headers = new ArrayList<>(List.of("content-type", "text/plain", "x-echo-method", request.method()));
            String body = request.method() + " " + request.url() + " " + new String(request.body(), StandardCharsets.UTF_8);
            return CompletableFuture.completedFuture(new WorkerResponse(200, "OK", headers,
                    body.getBytes(StandardCharsets.UTF_8)));
        }

        /**
         * Requests on a channel: {@code dispatch} reaches the worker named by the args (only
         * "known" exists), any other operation answers as a service. Data calls are echoed:
         * text "operation:channel:args" and the same bytes; operation "fail" fails with the
         * error named by the args.
         */
        @Override
        public CompletableFuture<ChannelReply> call(ChannelCall call) {
            if (call.request().isPresent()) {
                if (call.operation().equals("dispatch")) {
                    return call.args().equals("known")
                            ? CompletableFuture.completedFuture(ChannelReply.response(WorkerResponse.text(200, "dispatched to known")))
                            : CompletableFuture.failedFuture(new InvocationException(Outcome.SCRIPT_NOT_FOUND, "Worker not found."));
                }
                return CompletableFuture.completedFuture(ChannelReply.response(
                        WorkerResponse.text(200, "service " + call.channel() + " " + call.request().get().url())));
            }
            if (call.operation().equals("fail")) {
                return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, call.args(), "refused"));
            }
            return CompletableFuture.completedFuture(ChannelReply.data(
                    call.operation() + ":" + call.channel() + ":" + call.args(), call.bytes()));
        }

        @Override
        public String callNow(ChannelCall call) {
            if (call.operation().equals("exists")) {
                return call.args().equals("known") ? "yes" : "no";
            }
            if (call.operation().equals("fail")) {
                throw new InvocationException(Outcome.EXCEPTION, "RangeError", "out of range: " + call.args());
            }
            return "now:" + call.args();
        }

        @Override
        public void log(LogLine line) {
            logs.add(line);
        }
    }
}
