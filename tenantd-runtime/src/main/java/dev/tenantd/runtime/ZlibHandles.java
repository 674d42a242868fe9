package dev.tenantd.runtime;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * An isolate's compression streams in progress, by the handle its JavaScript knows them by.
 * JavaScript never holds a Java object: it names a stream by a number, and a number that is
 * not (or no longer) in the table is refused. A stream belongs to the invocation that opened
 * it and is freed when that invocation ends, even if the worker abandoned it unclosed; streams
 * opened outside an invocation (in top-level code) live until the isolate is discarded. The
 * table holds at most {@link #MAX_OPEN} streams, so native memory per isolate stays bounded.
 * Input a stream holds until it consumes it lies on the Java heap every isolate shares: from
 * {@link BodyBudget#COUNTED_FROM} on, it counts against the budget for bodies in flight until
 * it is consumed or the stream is freed. Used only on the isolate's thread.
 */
final class ZlibHandles implements AutoCloseable {
    /** Streams open at once per isolate: about 64 MB of zlib state if all of them compress. */
    static final int MAX_OPEN = 256;
    /** The most output one read hands to JavaScript. */
    static final int READ_BYTES = 64 * 1024;

    private static final class Entry {
        final ZlibStream stream;
        final Object owner;
        /** Bytes of held input counted against the budget for bodies. */
        long reserved;

        Entry(ZlibStream stream, Object owner) {
            this.stream = stream;
            this.owner = owner;
        }

        ZlibStream stream() {
            return stream;
        }

        Object owner() {
            return owner;
        }
    }

    private final Map<Integer, Entry> open = new HashMap<>();
    private final BodyBudget bodies;
    private int nextHandle;
    private long nativeBytes;

    ZlibHandles(BodyBudget bodies) {
        this.bodies = bodies;
    }

    /**
     * Counts {@code bytes} of input about to be written to the stream against the budget for
     * bodies (from {@link BodyBudget#COUNTED_FROM} on); false, with nothing counted, when they
     * do not fit. {@link #settle} gives back what the stream has consumed.
     */
    boolean reserveInput(int handle, long bytes) {
        Entry entry = open.get(handle);
        if (entry == null || bytes < BodyBudget.COUNTED_FROM) {
            return true;
        }
        if (!bodies.reserve(bytes)) {
            return false;
        }
        entry.reserved += bytes;
        return true;
    }

    /** Gives back the counted bytes of input the stream no longer holds. */
    void settle(int handle) {
        Entry entry = open.get(handle);
        if (entry != null && entry.reserved > 0) {
            long held = entry.stream().heldInputBytes();
            if (held < entry.reserved) {
                bodies.unreserve(entry.reserved - held);
                entry.reserved = held;
            }
        }
    }

    /** What a refusal of {@link #reserveInput} tells the worker. */
    String refusal(long bytes) {
        return bodies.refusal(bytes);
    }

    /** Opens a stream for {@code owner} (an invocation, or a placeholder for the isolate itself). */
    int open(ZlibStream stream, Object owner) {
        if (open.size() >= MAX_OPEN) {
            stream.close();
            throw new ZlibStream.DataException("Too many compression streams are open at once (at most " + MAX_OPEN
                    + " per worker); close or finish reading the ones in use.");
        }
        int handle = ++nextHandle;
        open.put(handle, new Entry(stream, owner));
        nativeBytes += stream.nativeBytes();
        return handle;
    }

    Optional<ZlibStream> get(int handle) {
        Entry entry = open.get(handle);
        return entry == null ? Optional.empty() : Optional.of(entry.stream());
    }

    void close(int handle) {
        Entry entry = open.remove(handle);
        if (entry != null) {
            free(entry);
        }
    }

    /** Frees every stream the owner opened: its invocation ended. */
    void closeOwnedBy(Object owner) {
        Iterator<Entry> it = open.values().iterator();
        while (it.hasNext()) {
            Entry entry = it.next();
            if (entry.owner() == owner) {
                it.remove();
                free(entry);
            }
        }
    }

    int size() {
        return open.size();
    }

    /**
     * What the open streams hold outside the isolate's heap, counted against its memory limit:
     * zlib's native state, and the input they were given and have not consumed yet.
     */
    long nativeBytes() {
        long held = 0;
        for (Entry entry : open.values()) {
            held += entry.stream().heldInputBytes();
        }
        return nativeBytes + held;
    }

    private void free(Entry entry) {
        nativeBytes -= entry.stream().nativeBytes();
        entry.stream().close();
        bodies.unreserve(entry.reserved);
        entry.reserved = 0;
    }

    @Override
    public void close() {
        open.values().forEach(this::free);
        open.clear();
    }
}
