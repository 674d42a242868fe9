package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.monitoring.V8HeapStatistics;
import java.util.concurrent.CompletableFuture;

/**
 * What one isolate holds against its memory limit: the V8 heap and the memory outside it
 * (ArrayBuffers, WebAssembly memory). The engine reports its statistics only between
 * calls into the isolate; within a turn the runtime JavaScript counts the buffers a
 * worker makes ({@code memory.js}), starting from the measure taken here before the turn
 * entered JavaScript, and the process's resident memory stands in for the rest. The
 * worker decides what a breach ends; this class only measures.
 */
final class IsolateMemory {
    /** Bodies the host hands in from this size on are checked against the limit first. */
    static final long HOST_BYTES_CHECKED_FROM = 64 * 1024;

    private final long limitBytes;
    /** Memory the host holds for the isolate outside V8 (compression streams' zlib state). */
    private final java.util.function.LongSupplier hostBytes;
    /** The runtime JavaScript counted a few megabytes of new buffers since memory was last measured. */
    private boolean measureBeforeNextTurn;
    /** Resident memory at the running turn's first garbage collection, or 0 before it. */
    private long turnRssBaseline;

    IsolateMemory(long limitBytes, java.util.function.LongSupplier hostBytes) {
        this.limitBytes = limitBytes;
        this.hostBytes = hostBytes;
    }

    long limitBytes() {
        return limitBytes;
    }

    void turnStarted() {
        turnRssBaseline = 0;
    }

    /** The runtime JavaScript reports growth: measure again before the next turn. */
    void grew() {
        measureBeforeNextTurn = true;
    }

    boolean measureBeforeNextTurn() {
        return measureBeforeNextTurn;
    }

    /**
     * What the isolate holds now, measured between calls into it; when that is over half the
     * limit, garbage is collected first so that the measure leaves out what is no longer used.
     */
    long measure(V8Runtime runtime) {
        measureBeforeNextTurn = false;
        long held = held(runtime);
        if (held > limitBytes / 2) {
            runtime.lowMemoryNotification();
            held = held(runtime);
        }
        return held;
    }

    /**
     * Collects garbage in the middle of a turn and returns what the isolate holds after it, or -1
     * if the engine did not tell. A {@code thorough} collection, for an allocation that does not
     * fit yet, runs rounds for as long as each frees more; otherwise one full collection runs
     * (after finishing any marking under way), which drops every object unreachable since the
     * last (what the bound on WebAssembly memories needs, in half the time). The engine answers
     * a request for its statistics while JavaScript runs only at its next interrupt check, so a
     * constant expression is run to reach one. The answer is exact: the collection also finished
     * freeing the buffers it found dead. It goes unanswered only when the turn is being
     * terminated already.
     */
    double collectInTurn(V8Runtime runtime, boolean thorough) {
        if (thorough) {
            runtime.lowMemoryNotification();
        } else {
            // The engine allows it with --expose-gc only (JsEngine sets it).
            runtime.requestGarbageCollectionForTesting(true);
        }
        try {
            CompletableFuture<V8HeapStatistics> statistics = runtime.getV8HeapStatistics();
            if (!statistics.isDone()) {
                runtime.getExecutor("0").executeVoid();
            }
            V8HeapStatistics answered = statistics.getNow(null);
            if (answered != null) {
                return answered.getUsedHeapSize() + answered.getExternalMemory() + hostBytes.getAsLong();
            }
        } catch (JavetException e) {
            // Terminating: the runtime keeps its own count until the turn ends.
        }
        return -1;
    }

    /** Whether bytes the host hands in fit, checked between calls into the isolate (after a collection if needed). */
    boolean fitsAfterCollecting(V8Runtime runtime, long bytes) {
        if (bytes < HOST_BYTES_CHECKED_FROM || fits(runtime, bytes)) {
            return true;
        }
        runtime.lowMemoryNotification();
        return fits(runtime, bytes);
    }

    /**
     * Whether heap and buffers together, with {@code uncounted} bytes the engine's statistics
     * leave out (WebAssembly memory), are over the limit, measured between calls into the isolate.
     */
    boolean overLimit(V8Runtime runtime, double uncounted) {
        return !fits(runtime, (long) Math.min(uncounted, limitBytes + 1.0));
    }

    /**
     * Called after each garbage collection during a turn (when the engine cannot report its
     * statistics): whether the process's resident memory grew by more than the limit since
     * the turn's first collection.
     */
    boolean grewPastLimitInTurn() {
        long rss = ResidentMemory.bytes();
        if (turnRssBaseline == 0) {
            turnRssBaseline = rss;
            return false;
        }
        return rss - turnRssBaseline > limitBytes;
    }

    private boolean fits(V8Runtime runtime, long more) {
        return held(runtime) + more <= limitBytes;
    }

    private long held(V8Runtime runtime) {
        var stats = runtime.getV8HeapStatistics().getNow(null);
        return (stats == null ? 0 : stats.getUsedHeapSize() + stats.getExternalMemory()) + hostBytes.getAsLong();
    }
}
