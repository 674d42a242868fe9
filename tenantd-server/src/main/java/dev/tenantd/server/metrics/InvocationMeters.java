package dev.tenantd.server.metrics;

import dev.tenantd.platform.InvocationMetrics;
import dev.tenantd.runtime.InvocationRecord;
import dev.tenantd.runtime.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Invocation metrics in Micrometer: requests, errors, outcomes and CPU and wall time
 * histograms, labelled by namespace (and by script when configured). The meters of a label
 * set are looked up once and kept, so counting an invocation is a map read and a few adds.
 * Label values are capped: past {@link MetricsConfig#maxLabelValues()} sets, new ones are
 * counted under {@link MetricsConfig#OTHER}, so a platform with many namespaces (or a tenant
 * with many scripts) cannot grow a scrape without bound.
 */
final class InvocationMeters implements InvocationMetrics {
    /** CPU time buckets: Workers' CPU limits run from a few ms to minutes; most requests take under 10 ms. */
    private static final Duration[] CPU_BUCKETS = millis(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 5_000, 30_000);
    /** Wall time buckets: from a cached answer to a request that waits on slow subrequests. */
    private static final Duration[] WALL_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
            30_000, 60_000);
    private static final Outcome[] OUTCOMES = Outcome.values();

    private final MeterRegistry registry;
    private final MetricsConfig config;
    /** Namespace label → meters (labels by namespace) or namespace label → script → meters (by script too). */
    private final ConcurrentHashMap<String, Meters> byNamespace = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Meters>> byScript = new ConcurrentHashMap<>();
    private final AtomicInteger labelSets = new AtomicInteger();
    private volatile Meters other;

    InvocationMeters(MeterRegistry registry, MetricsConfig config) {
        this.registry = registry;
        this.config = config;
    }

    @Override
    public void ended(String namespace, String script, InvocationRecord record) {
        Meters m = meters(namespace, script);
        m.count(record.outcome());
        m.cpu.record(record.cpuNanos(), TimeUnit.NANOSECONDS);
        m.wall.record(record.wallNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void refused(String namespace, String script, Outcome outcome) {
        meters(namespace, script).count(outcome);
    }

    private Meters meters(String namespace, String script) {
        if (config.labels() == MetricsConfig.Labels.NAMESPACE) {
            Meters m = byNamespace.get(namespace);
            return m != null ? m : byNamespace.size() >= config.maxLabelValues() ? other() :
                    add(byNamespace, namespace, Tags.of("namespace", namespace));
        }
        ConcurrentHashMap<String, Meters> scripts = byScript.get(namespace);
        Meters m = scripts == null ? null : scripts.get(script);
        if (m != null) {
            return m;
        }
        if (labelSets.get() >= config.maxLabelValues()) {
            return other();
        }
        return add(byScript.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>()), script,
                Tags.of("namespace", namespace, "script", script));
    }

    private Meters add(ConcurrentHashMap<String, Meters> map, String key, Tags tags) {
        return map.computeIfAbsent(key, k -> {
            labelSets.incrementAndGet();
            return new Meters(registry, tags);
        });
    }

    private Meters other() {
        Meters m = other;
        if (m == null) {
            synchronized (this) {
                if (other == null) {
                    Tags tags = config.labels() == MetricsConfig.Labels.NAMESPACE
                            ? Tags.of("namespace", MetricsConfig.OTHER)
                            : Tags.of("namespace", MetricsConfig.OTHER, "script", MetricsConfig.OTHER);
                    other = new Meters(registry, tags);
                }
                m = other;
            }
        }
        return m;
    }

    /** The meters of one label set; an outcome's counter is registered when the outcome first happens. */
    private static final class Meters {
        final MeterRegistry registry;
        final Tags tags;
        final Counter requests;
        final Counter errors;
        final AtomicReferenceArray<Counter> outcomes = new AtomicReferenceArray<>(OUTCOMES.length);
        final Timer cpu;
        final Timer wall;

        Meters(MeterRegistry registry, Tags tags) {
            this.registry = registry;
            this.tags = tags;
            this.requests = Counter.builder("tenantd.requests").tags(tags)
                    .description("Invocations of workers, whatever their outcome").register(registry);
            this.errors = Counter.builder("tenantd.errors").tags(tags)
                    .description("Invocations whose outcome was not ok").register(registry);
            this.cpu = Timer.builder("tenantd.invocation.cpu").tags(tags)
                    .description("CPU time of invocations that ran in an isolate")
                    .serviceLevelObjectives(CPU_BUCKETS).register(registry);
            this.wall = Timer.builder("tenantd.invocation.wall").tags(tags)
                    .description("Wall time of invocations that ran in an isolate, waitUntil included")
                    .serviceLevelObjectives(WALL_BUCKETS).register(registry);
        }

        void count(Outcome outcome) {
            requests.increment();
            if (outcome != Outcome.OK) {
                errors.increment();
            }
            Counter c = outcomes.get(outcome.ordinal());
            if (c == null) {
                c = Counter.builder("tenantd.invocations").tags(tags).tag("outcome", outcome.wireName())
                        .description("Invocations of workers by outcome").register(registry);
                outcomes.compareAndSet(outcome.ordinal(), null, c);
            }
            c.increment();
        }
    }

    private static Duration[] millis(long... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = Duration.ofMillis(values[i]);
        }
        return d;
    }
}
