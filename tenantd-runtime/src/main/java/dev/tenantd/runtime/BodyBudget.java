package dev.tenantd.runtime;

import java.lang.ref.Cleaner;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide budget for request and response bodies the host holds in memory: bodies
 * read from clients and from the network, and bodies that workers hand out, while they are
 * on their way between a socket and an isolate. Each isolate's memory is capped on its own;
 * this caps what crosses between them, so that many large bodies at once are refused with
 * a clear error instead of exhausting the host. A body counts from {@link #hold} until it
 * is {@link #release released}, or, for a path that drops it, until it is collected.
 * WebSocket messages waiting for an isolate or for a peer count here too, each with its
 * overhead ({@link #reserve}), since thousands of open sockets could otherwise hold gigabytes
 * between them within every per-socket limit.
 *
 * <p>A response body waiting for its client to take it is held for as long as the client
 * takes, and a client that reads nothing could keep it for good: many such clients would
 * fill the budget and have every tenant's large bodies refused. So a body handed to a
 * socket is registered {@link #sending} with what of it is still unsent and a way to let it
 * go; when the budget refuses a body, the bodies whose clients have taken less than
 * {@value #PROGRESS_BYTES} bytes in the last {@value #RECLAIMABLE_AFTER_SECONDS} seconds are
 * let go (their connections closed), the longest stalled first, until an eighth of the budget
 * is free again. Clients that keep taking their responses are not touched. A WebSocket whose
 * peer stops taking its messages is {@linkplain #sending(Object, Outgoing) registered} the same
 * way and closed the same way.
 */
public final class BodyBudget {
    /** Bodies smaller than this are not counted: they cannot add up to a danger before the heap notices. */
    public static final int COUNTED_FROM = 64 * 1024;
    private static final Cleaner CLEANER = Cleaner.create();

    private final long capacityBytes;
    private final long quietNanos;
    private final AtomicLong held = new AtomicLong();
    private final Map<byte[], Cleaner.Cleanable> holds = Collections.synchronizedMap(new WeakHashMap<>());
    /** What is on its way to clients (bodies, WebSockets), by identity, with when it last moved and how to drop it. */
    private final Map<Object, Sending> sending = new ConcurrentHashMap<>();
    private final AtomicLong lastReclaim = new AtomicLong(System.nanoTime() - RECLAIM_INTERVAL_NANOS);
    /** Bytes of the bodies each sender has sent and that are held while they wait for their answers. */
    private final Map<Object, Long> sentBy = new ConcurrentHashMap<>();

    /**
     * What one sender's bodies waiting for their answers may take of the budget: a quarter, so
     * that one tenant's requests to an origin that never answers cannot fill it for everyone.
     */
    static final int SENDER_SHARE = 4;

    /**
     * How long a client may take next to nothing of its body before a full budget lets it go.
     * What the host sees is what leaves its own queue, and the kernel's send buffer (several MB
     * once tuned) takes a client's bytes in bursts: a client reading 150 KB/s empties a 4 MB
     * buffer, and so shows progress, within this time.
     */
    static final long RECLAIMABLE_AFTER_SECONDS = 30;
    /** What a client must take within that time to count as reading. */
    static final long PROGRESS_BYTES = 64 * 1024;
    private static final long RECLAIM_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Memory on its way to a client, as a full budget sees it when it looks for what to let go:
     * a response body, or the messages a WebSocket's peer has not taken yet.
     */
    public interface Outgoing {
        /** Bytes held for the client now, which letting go frees. */
        long heldBytes();

        /** Bytes the client has taken so far; never decreases. */
        long takenBytes();

        /** Lets go (closes the connection); run at most once, on any thread. */
        void drop();
    }

    /** Something registered as {@link #sending}; the progress fields are touched only under the reclaim's lock. */
    private static final class Sending {
        final Object key;
        final Outgoing out;
        long lastTaken;
        /** What it held at the last look. */
        long lastHeld;
        long quietSince;

        Sending(Object key, Outgoing out, long now) {
            this.key = key;
            this.out = out;
            this.lastTaken = out.takenBytes();
            this.lastHeld = out.heldBytes();
            this.quietSince = now;
        }
    }

    public BodyBudget(long capacityBytes) {
        this(capacityBytes, TimeUnit.SECONDS.toNanos(RECLAIMABLE_AFTER_SECONDS));
    }

    /** A budget that lets go of what was quiet for {@code quietNanos} (tests: shorter than the 30 s above). */
    BodyBudget(long capacityBytes, long quietNanos) {
        if (capacityBytes < COUNTED_FROM) {
            throw new IllegalArgumentException("the budget for buffered bodies must be at least " + COUNTED_FROM + " bytes");
        }
        this.capacityBytes = capacityBytes;
        this.quietNanos = quietNanos;
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Bytes of bodies held right now. */
    public long heldBytes() {
        return held.get();
    }

    /**
     * Whether a body of this size may be taken into memory now. A refusal lets go of the
     * bodies that waited longest for slow clients, so that later ones fit.
     */
    public boolean admits(long bytes) {
        if (bytes < COUNTED_FROM || held.get() + bytes <= capacityBytes) {
            return true;
        }
        if (bytes <= capacityBytes) {
            reclaim(bytes);
        }
        return false;
    }

    /**
     * The held body was handed to a socket for a client to take: until it is released,
     * {@code unsent} tells how many bytes still wait for the client (read on any thread), and
     * {@code drop} may be run (once, on any thread) to let it go, by closing the connection.
     */
    public void sending(byte[] body, java.util.function.LongSupplier unsent, Runnable drop) {
        if (body.length >= COUNTED_FROM) {
            sending(body, new Outgoing() {
                @Override
                public long heldBytes() {
                    return body.length;
                }

                @Override
                public long takenBytes() {
                    return body.length - unsent.getAsLong();
                }

                @Override
                public void drop() {
                    drop.run();
                }
            });
        }
    }

    /**
     * Something that holds counted memory for a client (a WebSocket's unsent messages) may be let
     * go by a full budget when its client stops taking it, until {@link #stopSending}.
     */
    public void sending(Object key, Outgoing out) {
        sending.put(key, new Sending(key, out, System.nanoTime()));
    }

    /** What {@link #sending(Object, Outgoing)} registered is gone; nothing when it was not there. */
    public void stopSending(Object key) {
        sending.remove(key);
    }

    private void reclaim(long wanted) {
        long now = System.nanoTime();
        long last = lastReclaim.get();
        if (now - last < RECLAIM_INTERVAL_NANOS || !lastReclaim.compareAndSet(last, now)) {
            return;
        }
        List<Sending> stalled;
        synchronized (this) {
            long quietEnough = now - quietNanos;
            for (Sending s : sending.values()) {
                long taken = s.out.takenBytes();
                long held = s.out.heldBytes();
                // Taking 64 KiB since, or all that waited at the last look (a WebSocket peer that
                // reads its few messages), is keeping up; so is having nothing to take.
                if (taken - s.lastTaken >= Math.min(PROGRESS_BYTES, Math.max(1, s.lastHeld)) || held == 0) {
                    s.lastTaken = taken;
                    s.quietSince = now;
                }
                s.lastHeld = held;
            }
            stalled = sending.values().stream().filter(s -> s.quietSince - quietEnough <= 0)
                    .sorted(Comparator.comparingLong(s -> s.quietSince)).toList();
        }
        long target = Math.max(wanted, capacityBytes / 8);
        long freed = 0;
        for (Sending s : stalled) {
            if (freed >= target) {
                break;
            }
            long held = s.out.heldBytes();
            if (held > 0 && sending.remove(s.key, s)) {
                freed += held;
                s.out.drop();
            }
        }
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
        sending.remove(body);
        Cleaner.Cleanable hold = holds.remove(body);
        if (hold != null) {
            hold.clean();
        }
    }

    /**
     * Counts {@code bytes} of a body being read in pieces (an API request's body), if they fit;
     * a refusal lets go of stalled clients' bodies as {@link #admits} does. Every piece counts,
     * small or not (callers leave bodies under {@link #COUNTED_FROM} uncounted, as {@link #admits}
     * does), and {@link #unreserve} gives the bytes back.
     */
    public boolean reserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > capacityBytes) {
                if (bytes <= capacityBytes) {
                    reclaim(bytes);
                }
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back bytes that {@link #reserve} counted. */
    public void unreserve(long bytes) {
        held.addAndGet(-bytes);
    }

    /**
     * Why {@code sender} may not send a body of {@code bytes} now, if it may not: with bodies of
     * its own waiting for their answers already, it may hold at most a quarter of the budget.
     * A body alone is never refused here (the budget as a whole decides on it).
     */
    public java.util.Optional<String> senderRefusal(Object sender, long bytes) {
        Long sent = sentBy.get(sender);
        if (bytes < COUNTED_FROM || sent == null || sent + bytes <= capacityBytes / SENDER_SHARE) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("This worker already has " + sent + " bytes of bodies on their way out, waiting for "
                + "their answers; a body of " + bytes + " bytes more would pass its share of the memory this server sets "
                + "aside for bodies in flight (a quarter of " + (capacityBytes >> 20) + " MB). Wait for some of its "
                + "subrequests to be answered.");
    }

    /** {@code sender} sent {@code body}, held until {@link #answered} (once) with the same. */
    public void sent(Object sender, byte[] body) {
        hold(body);
        if (body.length >= COUNTED_FROM) {
            sentBy.merge(sender, (long) body.length, Long::sum);
        }
    }

    /** The answer to {@code body}, which {@code sender} sent, came (or the call failed). */
    public void answered(Object sender, byte[] body) {
        release(body);
        if (body.length >= COUNTED_FROM) {
            sentBy.computeIfPresent(sender, (key, held) -> held - body.length <= 0 ? null : held - body.length);
        }
    }

    /**
     * What a refusal tells the client or the worker: not how much is in use, which would show
     * every tenant how much traffic the others have in flight.
     */
    public String refusal(long bytes) {
        return "Server busy: a body of " + bytes + " bytes does not fit in the memory this server sets aside for "
                + "bodies in flight (" + (capacityBytes >> 20) + " MB); try again later.";
    }
}
