package dev.tenantd.server.metrics;

import dev.tenantd.platform.InvocationMetrics;
import dev.tenantd.platform.Invoker;
import dev.tenantd.platform.NamedExecutor;
import dev.tenantd.platform.observability.InvocationRecorder;
import dev.tenantd.runtime.JsEngine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.internal.TimedExecutorService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;

/**
 * The process's metrics registry, scraped as Prometheus text at {@code /metrics}: invocations
 * (see {@link InvocationMeters}), isolates, JS thread queues, the bounded executors, the JVM
 * and the process. Made before the platform, which counts invocations into {@link #invocations()};
 * the gauges of the engine and the platform are bound once they exist.
 */
public final class ServerMetrics implements AutoCloseable {
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE = 4096;

    private final MetricsConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InvocationMeters invocations;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ServerMetrics(MetricsConfig config) {
        this.config = config;
        this.invocations = new InvocationMeters(registry, config);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("process.resident.memory", ServerMetrics::residentBytes).baseUnit("bytes")
                .description("Resident set size of the process: the JVM heap and the isolates' memory together")
                .register(registry);
    }

    public MetricsConfig config() {
        return config;
    }

    /** Where the platform counts invocations. */
    public InvocationMetrics invocations() {
        return invocations;
    }

    /** Gauges and counters of the engine's JS threads, the isolate pool and the bounded executors. */
    public void bind(JsEngine engine, Invoker invoker, List<NamedExecutor> executors) {
        Gauge.builder("tenantd.js.queued", engine, JsEngine::queuedTurns).tag("lane", "foreground")
                .description("Isolates with turns waiting for a JS thread").register(registry);
        Gauge.builder("tenantd.js.queued", engine, JsEngine::queuedBackgroundTurns).tag("lane", "background")
                .description("Isolates with turns waiting for a JS thread").register(registry);
        Gauge.builder("tenantd.js.long.turns", engine, JsEngine::longTurns)
                .description("Turns running long on lowest-priority threads of their own").register(registry);
        Gauge.builder("tenantd.bodies.buffered", engine.bodies(), dev.tenantd.runtime.BodyBudget::heldBytes)
                .baseUnit("bytes").description("Request and response bodies held in memory on their way, counted "
                        + "against [limits] buffered-bodies-mb").register(registry);
        Gauge.builder("tenantd.isolates.live", invoker, Invoker::liveIsolates)
                .description("Isolates open now").register(registry);
        Gauge.builder("tenantd.isolates.open", invoker, Invoker::openIsolates)
                .description("Isolates of workers the engine has open now, wherever they are held").register(registry);
        FunctionCounter.builder("tenantd.isolates.started", invoker, Invoker::isolatesStarted)
                .description("Isolates started").register(registry);
        FunctionCounter.builder("tenantd.isolates.evicted", invoker, Invoker::isolatesEvicted)
                .description("Isolates evicted, least recently used first, to make room for others").register(registry);
        Gauge.builder("tenantd.resident.over.limit", invoker, i -> i.residentOverLimit() ? 1 : 0)
                .description("1 while the process's resident memory is over [limits] resident-mb (idle isolates are "
                        + "evicted and no worker is loaded), else 0").register(registry);
        FunctionCounter.builder("tenantd.tail.events.dropped", invoker, Invoker::tailEventsDropped)
                .description("Trace items for Tail Workers dropped because delivery fell behind").register(registry);
        FunctionCounter.builder("tenantd.tail.invocations.failed", invoker, Invoker::tailInvocationsFailed)
                .description("Tail Worker invocations that failed (threw, missing, shed or over a limit)")
                .register(registry);
        bindExecutors(executors);
    }

    /** The pool gauges of each bounded executor ({@code executor_pool_*}, {@code executor_queued_tasks}, ...). */
    void bindExecutors(List<NamedExecutor> executors) {
        for (NamedExecutor e : executors) {
            new ExecutorServiceMetrics(e.executor(), e.name(), Tags.empty()).bindTo(registry);
        }
    }

    /**
     * Counters of invocation records: stored, and dropped because the writer's queue was full or
     * the store failed (a full disk or a broken database drops records, never requests).
     */
    public void bindRecords(InvocationRecorder recorder) {
        FunctionCounter.builder("tenantd.invocation.records.written", recorder, InvocationRecorder::written)
                .description("Invocation records stored").register(registry);
        FunctionCounter.builder("tenantd.invocation.records.dropped", recorder, InvocationRecorder::dropped)
                .description("Invocation records dropped: the writer's queue was full or the store failed")
                .register(registry);
    }

    /**
     * Wraps a bounded executor so that each task's wait in the queue and its run are timed
     * ({@code executor_idle_seconds} and {@code executor_seconds} with {@code name}): the
     * latency of store calls as their callers see it.
     */
    public UnaryOperator<Executor> timing(String name) {
        // Not ExecutorServiceMetrics.monitor: it binds the pool's gauges too, which bind() does.
        return executor -> {
            if (!(executor instanceof ExecutorService service)) {
                throw new IllegalArgumentException("timing needs the pool itself (an ExecutorService), not " + executor);
            }
            return new TimedExecutorService(registry, service, name, "", Tags.empty());
        };
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    private static double residentBytes() {
        try {
            String[] fields = Files.readString(STATM).trim().split(" ");
            return Long.parseLong(fields[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
