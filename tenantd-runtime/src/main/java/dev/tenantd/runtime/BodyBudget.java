package dev.tenantd.runtime;

import java.lang.ref.Cleaner;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide budget for request and response bodies the host holds in memory: bodies
 * read from clients and from the network, and bodies that workers hand out, while they are
 * on their way between a socket and an isolate. Each isolate's memory is capped on its own;
 * this caps what crosses between them, so that many large bodies at once are refused with
 * a clear error instead of exhausting the host. A body counts from {@link #hold} until it
 * is {@link #release released}, or, for a path that drops it, until it is collected.
 */
public final class BodyBudget {
    /** Bodies smaller than this are not counted: they cannot add up to a danger before the heap notices. */
    static final int COUNTED_FROM = 64 * 1024;
    private static final Cleaner CLEANER = Cleaner.create();

    private final long capacityBytes;
    private final AtomicLong held = new AtomicLong();
    private final Map<byte[], Cleaner.Cleanable> holds = Collections.synchronizedMap(new WeakHashMap<>());

    public BodyBudget(long capacityBytes) {
        if (capacityBytes < COUNTED_FROM) {
            throw new IllegalArgumentException("the budget for buffered bodies must be at least " + COUNTED_FROM + " bytes");
        }
        this.capacityBytes = capacityBytes;
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Bytes of bodies held right now. */
    public long heldBytes() {
        return held.get();
    }

    /** Whether a body of this size may be taken into memory now. */
    public boolean admits(long bytes) {
        return bytes < COUNTED_FROM || held.get() + bytes <= capacityBytes;
    }

    /** Counts a body the host now holds, until it is released or collected. */
    public void hold(byte[] body) {
        int size = body.length;
        if (size < COUNTED_FROM) {
            return;
        }
        held.addAndGet(size);
        AtomicLong counter = held;
        holds.put(body, CLEANER.register(body, () -> counter.addAndGet(-size)));
    }

    /** The body has left the host (written to a socket, or copied into an isolate). */
    public void release(byte[] body) {
        if (body.length < COUNTED_FROM) {
            return;
        }
        Cleaner.Cleanable hold = holds.remove(body);
        if (hold != null) {
            hold.clean();
        }
    }

    /** What a refusal tells the client or the worker. */
    public String refusal(long bytes) {
        return "Server busy: a body of " + bytes + " bytes does not fit in the memory this server sets aside for "
                + "bodies in flight (" + (capacityBytes >> 20) + " MB, " + (held.get() >> 20) + " MB in use); try again later.";
    }
}
