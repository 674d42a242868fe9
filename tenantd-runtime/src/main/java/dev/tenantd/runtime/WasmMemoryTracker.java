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

    /** Whether one more memory may be tracked: fewer than {@link #MAX_ALIVE} are alive. */
    boolean hasRoom() {
        if (tracked.size() < MAX_ALIVE) {
            return true;
        }
        prune();
        return tracked.size() < MAX_ALIVE;
    }

    /**
     * A memory was made, which declared at most {@code maximumPages} (negative: no maximum): it is
     * tracked, or false when the isolate has {@link #MAX_ALIVE} alive already.
     */
    boolean made(V8Value memory, double maximumPages) throws JavetException {
        if (!(memory instanceof V8ValueObject object)) {
            throw new IllegalArgumentException("not a WebAssembly memory: " + memory);
        }
        if (!hasRoom()) {
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

    /** The memories still alive, for the runtime JavaScript to measure. */
    V8Value[] alive() {
        prune();
        V8Value[] memories = new V8Value[tracked.size()];
        for (int i = 0; i < memories.length; i++) {
            memories[i] = tracked.get(i).memory;
        }
        return memories;
    }

    boolean any() {
        return !tracked.isEmpty();
    }

    private void prune() {
        tracked.removeIf(t -> t.memory.isClosed());
        prunedSize = tracked.size();
    }
}
