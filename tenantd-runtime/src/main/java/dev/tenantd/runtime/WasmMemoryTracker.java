package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.util.ArrayList;

/**
 * The WebAssembly memories an isolate made, held by weak handles, each with the maximum it
 * declared. A garbage collection that finds a memory unreachable drops its handle at once,
 * within the turn that made it too: a JavaScript {@code WeakRef} would keep its target alive
 * until the running job ends, so a request that makes and drops instance after instance could
 * not have the dropped ones leave the count. What the memories still alive can grow to bounds
 * an isolate's WebAssembly memory within one turn ({@code webassembly.js}); what they hold is
 * counted against its memory limit ({@code memory.js}). Each handle is Java and native memory
 * no isolate limit counts, so an isolate holds at most {@link #MAX_ALIVE} memories at once. Used
 * on the isolate's thread only.
 */
final class WasmMemoryTracker {
    /** The most WebAssembly memories an isolate may have alive at once. */
    static final int MAX_ALIVE = 1_000;
    private static final double PAGE_BYTES = 64 * 1024;

    private record Tracked(V8ValueObject memory, double maximumPages) {
    }

    private final ArrayList<Tracked> tracked = new ArrayList<>();
    /** The list's size after its last pruning: it is pruned again once it doubles. */
    private int prunedSize;

    /** How many memories are alive, counting only those no collection has dropped yet. */
    int count() {
        prune();
        return tracked.size();
    }

    /**
     * A memory was made, which declared at most {@code maximumPages} (negative: no maximum): it is
     * tracked, or false when the isolate has {@link #MAX_ALIVE} alive already.
     */
    boolean made(V8Value memory, double maximumPages) throws JavetException {
        if (!(memory instanceof V8ValueObject object)) {
            throw new IllegalArgumentException("not a WebAssembly memory: " + memory);
        }
        if (tracked.size() >= MAX_ALIVE && count() >= MAX_ALIVE) {
            return false;
        }
        // The argument's handle is the caller's and closed after the call: this one is ours.
        V8ValueObject held = object.toClone();
        held.setWeak();
        tracked.add(new Tracked(held, maximumPages));
        if (tracked.size() >= 2 * prunedSize + 64) {
            prune();
        }
        return true;
    }

    /**
     * The memory at {@code index} of those {@link #count} counted, as a handle of its own (the
     * caller hands it to the isolate, which closes it), or null when a collection has dropped it
     * since. A weak handle itself never goes into a call: a collection during the call could
     * drop it under the engine's feet.
     */
    V8Value at(int index) throws JavetException {
        if (index < 0 || index >= tracked.size()) {
            return null;
        }
        V8ValueObject memory = tracked.get(index).memory;
        return memory.isClosed() ? null : memory.toClone();
    }

    /**
     * What the memories still alive can grow to together: each to its maximum, and none past
     * {@code capBytes} (the engine's cap on one memory), which one without a maximum reaches.
     */
    double reachableBytes(double capBytes) {
        prune();
        double total = 0;
        for (Tracked t : tracked) {
            total += t.maximumPages < 0 ? capBytes : Math.min(capBytes, t.maximumPages * PAGE_BYTES);
        }
        return total;
    }

    /**
     * Lets go of every handle before the isolate closes: closing the isolate would drop a weak
     * handle without what the engine keeps for its callback.
     */
    void close() {
        for (Tracked t : tracked) {
            if (!t.memory.isClosed()) {
                try {
                    t.memory.clearWeak();
                    t.memory.close();
                } catch (JavetException e) {
                    // The isolate is going: nothing more to let go of.
                }
            }
        }
        tracked.clear();
    }

    private void prune() {
        tracked.removeIf(t -> t.memory.isClosed());
        prunedSize = tracked.size();
    }
}
