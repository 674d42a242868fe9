package dev.tenantd.runtime;

import dev.tenantd.runtime.websocket.WebSocketEnd;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import dev.tenantd.runtime.websocket.WebSocketPipe;
import dev.tenantd.runtime.websocket.WebSocketReceiver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WebSockets of one isolate, by the ids its JavaScript knows them by. Each is an
 * {@link WebSocketEnd}: one end of a pair the worker made, or an end that came in with a
 * response. An accepted socket gets an invocation of its own; every message and its close
 * run as a turn of it, with a fresh CPU budget each when it comes from the network, or was
 * relayed from it by another isolate ({@link Origin}); what an isolate sent otherwise goes on
 * with the budget left, so that two ends sending to each other cannot run for ever on fresh
 * budgets. What arrives waits in the isolate's
 * mailbox, at most {@link WebSocketLimits#QUEUED_MESSAGES} per socket: past that the
 * sender is told to stop reading until the isolate catches up. What waits counts against the
 * process's {@link BodyBudget} as well; a message that does not fit closes the socket with 1013.
 *
 * <p>Touched only inside the isolate's turns, but for the receivers, which are called
 * from the threads that deliver messages and only post turns.
 */
final class IsolateSockets {

    /** What the sockets need of their isolate. */
    interface Isolate {
        /** The running invocation, if any: the one a socket is created or accepted by. */
        int currentInvocation();

        /**
         * Opens an invocation for an accepted socket's events, with the limits of the current one;
         * 0 when no invocation is running (a socket is accepted at global scope).
         */
        int openInvocation();

        /**
         * Runs one event of a socket as a turn of its invocation (posted to the mailbox by the
         * caller); one that came from the network, or was relayed from it ({@link Origin}),
         * starts with a CPU budget and subrequest count of its own. While one from the network
         * runs, what the isolate sends is {@link Origin#RELAYED}: run it within {@link #relaying}.
         */
        void event(int invocation, Event event, Origin origin);

        /** The socket's invocation is over. */
        void endInvocation(int invocation);

        /** Posts work to the isolate's mailbox. */
        void post(Runnable turn);
    }

    /** One event for the JavaScript: a text or binary message, or the close (kind 2). */
    record Event(int socket, int kind, String text, byte[] bytes, int code, boolean clean) {
        static final int TEXT = 0;
        static final int BINARY = 1;
        static final int CLOSE = 2;
    }

    /**
     * Where an event comes from, which decides whether it starts on a fresh budget: from the
     * network; sent by an isolate while it handled an event from the network (a dispatch worker
     * relaying a client's message to a user worker, one hop and no more); or sent by an isolate
     * otherwise, which goes on with the budget left, so that two ends answering each other
     * stop at their limit instead of running for ever.
     */
    enum Origin {
        NETWORK, RELAYED, WORKER;

        boolean fresh() {
            return this != WORKER;
        }
    }

    /** Whether the running thread handles an event from the network (set by {@link #relaying}). */
    private static final ThreadLocal<Boolean> HANDLING_NETWORK_EVENT = ThreadLocal.withInitial(() -> false);

    /** Runs {@code turn}, an event of {@code origin}: while it runs, what this thread sends counts as relayed from the network. */
    static void relaying(Origin origin, Runnable turn) {
        if (origin != Origin.NETWORK) {
            turn.run();
            return;
        }
        HANDLING_NETWORK_EVENT.set(true);
        try {
            turn.run();
        } finally {
            HANDLING_NETWORK_EVENT.set(false);
        }
    }

    /** Where what arrives on {@code slot} now comes from, read on the sender's thread. */
    private static Origin origin(Slot slot) {
        return slot.end.fromNetwork() ? Origin.NETWORK : HANDLING_NETWORK_EVENT.get() ? Origin.RELAYED : Origin.WORKER;
    }

    /** What {@link #accept} answers. */
    static final int ACCEPTED = 1;
    static final int NO_SUCH_SOCKET = 0;
    static final int NOT_IN_AN_INVOCATION = -1;

    private static final class Slot {
        final int id;
        final WebSocketEnd end;
        final int creator;
        /** The other end's id when this isolate made the pair, else 0. */
        int peer;
        int invocation;
        boolean accepted;
        boolean closedOutgoing;
        boolean closedIncoming;
        final AtomicInteger queued = new AtomicInteger();
        /** Bytes of the queued messages. */
        final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
        final List<Runnable> drained = new ArrayList<>();

        Slot(int id, WebSocketEnd end, int creator) {
            this.id = id;
            this.end = end;
            this.creator = creator;
        }
    }

    private final Isolate isolate;
    private final BodyBudget bodies;
    private final Map<Integer, Slot> slots = new HashMap<>();
    private int nextId;
    private volatile int open;

    IsolateSockets(Isolate isolate, BodyBudget bodies) {
        this.isolate = isolate;
        this.bodies = bodies;
    }

    /** Sockets this isolate holds now. */
    int open() {
        return open;
    }

    /** {@code new WebSocketPair()}: the id of its first end (the second is the next id), or 0 past the limit. */
    int pair() {
        if (slots.size() + 2 > WebSocketLimits.SOCKETS_PER_ISOLATE) {
            return 0;
        }
        WebSocketPipe pipe = new WebSocketPipe();
        int first = add(pipe.first());
        int second = add(pipe.second());
        slots.get(first).peer = second;
        slots.get(second).peer = first;
        return first;
    }

    /** An end that came in with a response: its id, or 0 (and the end closed) past the limit. */
    int adopt(Optional<WebSocketEnd> end) {
        if (end.isEmpty()) {
            return 0;
        }
        if (slots.size() + 1 > WebSocketLimits.SOCKETS_PER_ISOLATE) {
            end.get().close(WebSocketLimits.INTERNAL_ERROR, "Too many WebSockets are open in the worker.");
            return 0;
        }
        return add(end.get());
    }

    private int add(WebSocketEnd end) {
        int id = ++nextId;
        slots.put(id, new Slot(id, end, isolate.currentInvocation()));
        open = slots.size();
        return id;
    }

    /** A socket handed on in a response: it leaves the isolate. */
    Optional<WebSocketEnd> release(int id) {
        Slot slot = slots.get(id);
        if (slot == null || slot.accepted) {
            return Optional.empty();
        }
        remove(slot);
        return Optional.of(slot.end);
    }

    /**
     * {@code accept()}: from now on the socket's events run here. {@link #ACCEPTED}, or
     * {@link #NO_SUCH_SOCKET}, or {@link #NOT_IN_AN_INVOCATION} when no request or event is being
     * handled: a socket's events take their limits from the invocation that accepted it.
     */
    int accept(int id) {
        Slot slot = slots.get(id);
        if (slot == null) {
            return NO_SUCH_SOCKET;
        }
        if (slot.accepted) {
            return ACCEPTED;
        }
        int invocation = isolate.openInvocation();
        if (invocation == 0) {
            return NOT_IN_AN_INVOCATION;
        }
        slot.accepted = true;
        slot.invocation = invocation;
        slot.end.attach(receiver(slot));
        return ACCEPTED;
    }

    /** The worker sends: a message over {@link WebSocketLimits#MAX_MESSAGE_BYTES} closes the socket with 1009 instead. */
    void send(int id, WebSocketMessage message) {
        Slot slot = slots.get(id);
        if (slot != null && slot.accepted && !slot.closedOutgoing) {
            if (message.size() > WebSocketLimits.MAX_MESSAGE_BYTES) {
                tooBig(slot);
                return;
            }
            slot.end.send(message);
        }
    }

    void close(int id, int code, String reason) {
        Slot slot = slots.get(id);
        if (slot == null || slot.closedOutgoing) {
            return;
        }
        slot.closedOutgoing = true;
        slot.end.close(code, reason);
        if (slot.closedIncoming || !slot.accepted) {
            finish(slot);
        }
    }

    /**
     * An invocation ended: the sockets it made that nobody accepted or handed on are closed
     * (their other side learns of it), and a socket whose own invocation it was (ended by a
     * limit, or the isolate going away) is closed with 1011.
     */
    void invocationEnded(int invocation) {
        for (Slot slot : new ArrayList<>(slots.values())) {
            if (slot.accepted && slot.invocation == invocation) {
                if (!slot.closedOutgoing) {
                    slot.closedOutgoing = true;
                    slot.end.close(WebSocketLimits.INTERNAL_ERROR, "The worker's handling of this WebSocket ended.");
                }
                remove(slot);
            } else if (!slot.accepted && slot.creator == invocation) {
                slot.end.close(WebSocketLimits.ABNORMAL, "");
                remove(slot);
            }
        }
    }

    /** The isolate goes away: every socket is closed with {@code code} (1001, or 1011 after a failure). */
    void closeAll(int code, String reason) {
        for (Slot slot : new ArrayList<>(slots.values())) {
            if (!slot.closedOutgoing) {
                slot.closedOutgoing = true;
                slot.end.close(code, reason);
            }
            remove(slot);
        }
    }

    private void remove(Slot slot) {
        slots.remove(slot.id);
        open = slots.size();
        runDrained(slot);
    }

    private void finish(Slot slot) {
        remove(slot);
        if (slot.accepted) {
            isolate.endInvocation(slot.invocation);
        }
    }

    private WebSocketReceiver receiver(Slot slot) {
        return new WebSocketReceiver() {
            @Override
            public void message(WebSocketMessage message) {
                if (message.size() > WebSocketLimits.MAX_MESSAGE_BYTES) {
                    isolate.post(() -> tooBig(slot));
                    return;
                }
                // Empty messages cost too: a sender looping over send('') is bounded like any other.
                int size = message.size() + WebSocketLimits.MESSAGE_OVERHEAD_BYTES;
                if (slot.queuedBytes.addAndGet(size) > WebSocketLimits.QUEUED_BYTES) {
                    // A sender that does not wait for this receiver (the same isolate's own turn).
                    slot.queuedBytes.addAndGet(-size);
                    isolate.post(() -> overrun(slot));
                    return;
                }
                if (!bodies.reserve(size)) {
                    slot.queuedBytes.addAndGet(-size);
                    isolate.post(() -> closeBothWays(slot, WebSocketLimits.TRY_AGAIN_LATER, WebSocketLimits.SERVER_BUSY));
                    return;
                }
                slot.queued.incrementAndGet();
                Origin origin = origin(slot);
                isolate.post(() -> {
                    try {
                        if (slots.get(slot.id) == slot && !slot.closedIncoming) {
                            isolate.event(slot.invocation, switch (message) {
                                case WebSocketMessage.Text t -> new Event(slot.id, Event.TEXT, t.text(), null, 0, false);
                                case WebSocketMessage.Binary b -> new Event(slot.id, Event.BINARY, null, b.bytes(), 0, false);
                            }, origin);
                        }
                    } finally {
                        bodies.unreserve(size);
                        slot.queuedBytes.addAndGet(-size);
                        if (slot.queued.decrementAndGet() < WebSocketLimits.QUEUED_MESSAGES) {
                            runDrained(slot);
                        }
                    }
                });
            }

            @Override
            public void closed(int code, String reason) {
                Origin origin = origin(slot);
                isolate.post(() -> closedByPeer(slot, code, reason, origin));
            }

            @Override
            public boolean full() {
                return slot.queued.get() >= WebSocketLimits.QUEUED_MESSAGES;
            }

            @Override
            public void whenDrained(Runnable then) {
                synchronized (slot.drained) {
                    if (slot.queued.get() >= WebSocketLimits.QUEUED_MESSAGES) {
                        slot.drained.add(then);
                        return;
                    }
                }
                then.run();
            }
        };
    }

    private static void runDrained(Slot slot) {
        List<Runnable> waiting;
        synchronized (slot.drained) {
            waiting = new ArrayList<>(slot.drained);
            slot.drained.clear();
        }
        waiting.forEach(Runnable::run);
    }

    /** A message over the size limit: the connection closes with 1009 both ways. */
    private void tooBig(Slot slot) {
        closeBothWays(slot, WebSocketLimits.TOO_BIG, "Message too big: the limit is " + WebSocketLimits.MAX_MESSAGE_BYTES
                + " bytes.");
    }

    /** More than {@link WebSocketLimits#QUEUED_BYTES} waited for the isolate: the connection closes with 1011 both ways. */
    private void overrun(Slot slot) {
        closeBothWays(slot, WebSocketLimits.INTERNAL_ERROR, "Messages arrived faster than the worker handled them: more "
                + "than " + WebSocketLimits.QUEUED_BYTES + " bytes waited.");
    }

    private void closeBothWays(Slot slot, int code, String reason) {
        if (slots.get(slot.id) != slot) {
            return;
        }
        if (!slot.closedOutgoing) {
            slot.closedOutgoing = true;
            slot.end.close(code, reason);
        }
        closedByPeer(slot, code, reason, slot.end.fromNetwork() ? Origin.NETWORK : Origin.WORKER);
    }

    /**
     * The other side closed: the close event runs, and if the worker did not close its side
     * in it, the close is answered with the same code, as a WebSocket endpoint must.
     */
    private void closedByPeer(Slot slot, int code, String reason, Origin origin) {
        if (slots.get(slot.id) != slot || slot.closedIncoming) {
            return;
        }
        slot.closedIncoming = true;
        isolate.event(slot.invocation, new Event(slot.id, Event.CLOSE, reason, null, code,
                code != WebSocketLimits.ABNORMAL), origin);
        if (!slot.closedOutgoing) {
            slot.closedOutgoing = true;
            slot.end.close(code == WebSocketLimits.NO_STATUS || code == WebSocketLimits.ABNORMAL
                    ? WebSocketLimits.NORMAL : code, reason);
        }
        finish(slot);
    }
}
