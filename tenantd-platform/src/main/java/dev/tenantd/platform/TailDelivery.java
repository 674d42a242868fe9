package dev.tenantd.platform;

import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.InvocationRecord;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a script's Tail Workers after each of its invocations: the invocation's trace item
 * goes, as a batch of one, to the {@code tail()} handler of every consumer the script names.
 * Delivery happens after the producer's invocation has ended, on a thread of its own, and
 * only starts the consumers' invocations; a consumer that fails, is slow, shed or missing
 * costs the producer nothing. A consumer's own invocations are never tailed, so consumers
 * that name each other cannot loop.
 */
final class TailDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TailDelivery.class);
    /** Finished invocations waiting for delivery; past this, events are dropped and counted. */
    static final int QUEUE_CAPACITY = 10_000;
    /** Of those, what one producer may have waiting: one chatty worker cannot take every tenant's place. */
    static final int PER_PRODUCER = 1_000;
    /** What the waiting events may take together, roughly, in characters of logs. */
    static final long MAX_QUEUED_CHARS = 16L << 20;
    /** Of those, what one producer's events may take: one loud worker cannot take every tenant's place. */
    static final long PER_PRODUCER_CHARS = MAX_QUEUED_CHARS / 8;

    /** Starts a consumer's tail invocation on a batch of trace items (a JSON array). */
    @FunctionalInterface
    interface Runner {
        CompletableFuture<WorkerResponse> tail(ScriptRef consumer, String eventsJson);
    }

    private final Tails tails;
    private final Directory directory;
    private final Runner runner;
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY), r -> {
                Thread t = new Thread(r, "tenantd-tail-delivery");
                t.setDaemon(true);
                return t;
            });
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<ScriptRef, Integer> queuedByProducer =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong queuedChars = new AtomicLong();
    /** Events queued or being delivered: from {@link #enqueue} until their Tail Worker runs have ended, or they are dropped. */
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.ConcurrentHashMap<ScriptRef, Long> queuedCharsByProducer =
            new java.util.concurrent.ConcurrentHashMap<>();

    TailDelivery(Tails tails, Directory directory, Runner runner) {
        this.tails = tails;
        this.directory = directory;
        this.runner = runner;
    }

    /**
     * The observer of an invocation that starts now: the live tails' when the script has no
     * Tail Workers (the common case, as cheap as before), else one that also delivers.
     */
    InvocationObserver observe(Script serving, WorkerRequest request) {
        List<String> consumers = TailConsumers.of(serving);
        String versionId = serving.current().id();
        if (consumers.isEmpty()) {
            return tails.observe(serving.ref(), versionId, request);
        }
        return tails.observe(serving.ref(), versionId, request, (event, record) -> enqueue(serving, consumers, event, record));
    }

    /** Events dropped because delivery fell {@link #QUEUE_CAPACITY} invocations behind. */
    long dropped() {
        return dropped.get();
    }

    /** Tail invocations that failed: the consumer threw, was missing, shed or over a limit. */
    long failed() {
        return failed.get();
    }

    /** Events queued or being delivered, for a stopping server to wait for. */
    int pending() {
        return pending.get();
    }

    void enqueue(Script producer, List<String> consumers, TailEvent event, InvocationRecord record) {
        pending.incrementAndGet();
        ScriptRef ref = producer.ref();
        long size = event.approximateChars();
        // Counted first, all three, so that every refusal gives back the same.
        int waiting = queuedByProducer.merge(ref, 1, Integer::sum);
        long producerChars = queuedCharsByProducer.merge(ref, size, Long::sum);
        long allChars = queuedChars.addAndGet(size);
        if (waiting > PER_PRODUCER) {
            dequeued(ref, size);
            drop(ref, PER_PRODUCER + " of its invocations wait already");
            return;
        }
        if (producerChars > PER_PRODUCER_CHARS) {
            dequeued(ref, size);
            drop(ref, "its waiting events take " + (PER_PRODUCER_CHARS >> 20) + "M characters of logs");
            return;
        }
        if (allChars > MAX_QUEUED_CHARS) {
            dequeued(ref, size);
            drop(ref, "the waiting events take " + (MAX_QUEUED_CHARS >> 20) + "M characters of logs");
            return;
        }
        try {
            executor.execute(() -> {
                dequeued(ref, size);
                CompletableFuture<Void> runs;
                try {
                    runs = deliver(producer, consumers, event, record);
                } catch (RuntimeException | Error e) {
                    pending.decrementAndGet();
                    throw e;
                }
                runs.whenComplete((done, error) -> pending.decrementAndGet());
            });
        } catch (RejectedExecutionException e) {
            dequeued(ref, size);
            drop(ref, executor.isShutdown() ? "the server is stopping" : QUEUE_CAPACITY + " invocations wait");
        }
    }

    private void dequeued(ScriptRef ref, long size) {
        queuedByProducer.compute(ref, (r, n) -> n == null || n <= 1 ? null : n - 1);
        queuedCharsByProducer.compute(ref, (r, n) -> n == null || n <= size ? null : n - size);
        queuedChars.addAndGet(-size);
    }

    private void drop(ScriptRef producer, String why) {
        pending.decrementAndGet();
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("tail workers of {} are behind ({}); {} event(s) dropped so far", producer, why, n);
        }
    }

    /** Runs the event's Tail Workers; completes when every run has ended. */
    private CompletableFuture<Void> deliver(Script producer, List<String> consumers, TailEvent event, InvocationRecord record) {
        String events;
        try {
            Optional<String> namespace = producer.ref().namespace().flatMap(id -> directory.namespaceById(id)).map(Namespace::name);
            events = "[" + event.traceItem(record, namespace, producer.tags()) + "]";
        } catch (RuntimeException e) {
            LOG.warn("the trace item of {} could not be made for its tail workers", producer.ref(), e);
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<?>> runs = new java.util.ArrayList<>();
        for (String consumer : consumers) {
            ScriptRef ref = ScriptRef.plain(producer.ref().accountId(), consumer);
            if (ref.equals(producer.ref())) {
                continue;
            }
            CompletableFuture<WorkerResponse> run;
            try {
                run = runner.tail(ref, events);
            } catch (RuntimeException e) {
                run = CompletableFuture.failedFuture(e);
            }
            runs.add(run.whenComplete((response, error) -> {
                if (response != null) {
                    response.discardBody();
                }
                if (error != null) {
                    long n = failed.incrementAndGet();
                    if (n == 1 || n % 100 == 0) {
                        LOG.warn("tail worker {} of {} failed ({} failure(s) so far): {}", consumer, producer.ref(), n,
                                Invoker.unwrap(error).getMessage());
                    }
                }
            }));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).exceptionally(error -> null);
    }

    @Override
    public void close() {
        int undelivered = executor.shutdownNow().size();
        if (undelivered > 0) {
            LOG.warn("tail workers: {} event(s) still waiting were not delivered, as the server stopped", undelivered);
        }
    }
}
