package dev.tenantd.platform.websocket;

import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.websocket.WebSocketEnd;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import dev.tenantd.runtime.websocket.WebSocketReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketBase;
import java.util.concurrent.TimeUnit;

/**
 * Relays messages both ways between a WebSocket connection on the network (a client of
 * the worker listener, or a server a worker connected to) and a worker's
 * {@link WebSocketEnd}. Reading from the network stops while the isolate has a full queue
 * of its messages, so a fast peer cannot pile up work; a connection with no message either
 * way for {@link WebSocketLimits#IDLE_SECONDS} is closed with 1001. A message over
 * {@link WebSocketLimits#MAX_MESSAGE_BYTES}, in either direction, closes both sides with 1009.
 * Messages for the peer that the network has not taken yet are counted: past
 * {@link WebSocketLimits#FULL_AT_UNSENT_BYTES} the worker's end reads as full (a relay from
 * another connection stops reading it), and past {@link WebSocketLimits#UNSENT_BYTES} the peer
 * is taken not to read at all and the connection closes with 1008. The unsent bytes count
 * against the process's {@link BodyBudget} too: when it is full the connection closes with 1013,
 * and a peer that has taken next to nothing for a while may be let go to make room, as a slow
 * reader of a response body is.
 */
public final class WebSocketBridge {
    private final Vertx vertx;
    private final NetworkSocket network;
    private final WebSocketEnd worker;
    private final BodyBudget bodies;
    /** Whether the connection's peer is the network (else a worker that came back through it). */
    private final boolean fromNetwork;
    private volatile long lastMessageNanos = System.nanoTime();
    private volatile boolean closed;
    /** Bytes written to the network that it has not taken yet. */
    private final java.util.concurrent.atomic.AtomicLong unsent = new java.util.concurrent.atomic.AtomicLong();
    /** Bytes the network has taken so far. */
    private final java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();
    /** What waits for the unsent bytes to go below {@link WebSocketLimits#FULL_AT_UNSENT_BYTES}. */
    private final java.util.List<Runnable> drained = new java.util.ArrayList<>();

    private WebSocketBridge(Vertx vertx, NetworkSocket network, WebSocketEnd worker, BodyBudget bodies, boolean fromNetwork) {
        this.vertx = vertx;
        this.network = network;
        this.worker = worker;
        this.bodies = bodies;
        this.fromNetwork = fromNetwork;
    }

    /**
     * Starts relaying between {@code network} and {@code worker} until either side closes;
     * {@code fromNetwork} is false for a connection a worker opened to this server through the
     * network (its messages then start no fresh budget).
     */
    public static void bridge(Vertx vertx, WebSocketBase network, WebSocketEnd worker, BodyBudget bodies, boolean fromNetwork) {
        bridge(vertx, new VertxNetworkSocket(network), worker, bodies, fromNetwork);
    }

    static void bridge(Vertx vertx, NetworkSocket network, WebSocketEnd worker, BodyBudget bodies) {
        bridge(vertx, network, worker, bodies, true);
    }

    static void bridge(Vertx vertx, NetworkSocket network, WebSocketEnd worker, BodyBudget bodies, boolean fromNetwork) {
        new WebSocketBridge(vertx, network, worker, bodies, fromNetwork).start();
    }

    private void start() {
        bodies.sending(this, new BodyBudget.Outgoing() {
            @Override
            public long heldBytes() {
                return unsent.get();
            }

            @Override
            public long takenBytes() {
                return taken.get();
            }

            @Override
            public void drop() {
                closeBoth(WebSocketLimits.TRY_AGAIN_LATER, WebSocketLimits.SERVER_BUSY);
            }
        });
        worker.attach(new WebSocketReceiver() {
            @Override
            public void message(WebSocketMessage message) {
                toNetwork(message);
            }

            @Override
            public boolean network() {
                return fromNetwork;
            }

            @Override
            public boolean full() {
                return unsent.get() >= WebSocketLimits.FULL_AT_UNSENT_BYTES;
            }

            @Override
            public void whenDrained(Runnable then) {
                synchronized (drained) {
                    if (full()) {
                        drained.add(then);
                        return;
                    }
                }
                then.run();
            }

            @Override
            public void closed(int code, String reason) {
                closed = true;
                network.close(code, reason);
                bodies.stopSending(WebSocketBridge.this);
            }
        });
        network.listen(new NetworkSocket.Listener() {
            @Override
            public void message(WebSocketMessage message) {
                fromNetwork(message);
            }

            @Override
            public void closed(int code, String reason) {
                bodies.stopSending(WebSocketBridge.this);
                if (closed) {
                    return;
                }
                closed = true;
                worker.close(code, reason);
            }
        });
        scheduleIdleCheck(TimeUnit.SECONDS.toMillis(WebSocketLimits.IDLE_SECONDS));
    }

    private void toNetwork(WebSocketMessage message) {
        if (closed) {
            return;
        }
        lastMessageNanos = System.nanoTime();
        int size = message.size();
        if (size > WebSocketLimits.MAX_MESSAGE_BYTES) {
            closeBoth(WebSocketLimits.TOO_BIG, "Message too big: the limit is " + WebSocketLimits.MAX_MESSAGE_BYTES
                    + " bytes.");
            return;
        }
        int cost = size + WebSocketLimits.MESSAGE_OVERHEAD_BYTES;
        if (unsent.addAndGet(cost) > WebSocketLimits.UNSENT_BYTES) {
            unsent.addAndGet(-cost);
            closeBoth(WebSocketLimits.POLICY_VIOLATION, "The peer does not read its messages: more than "
                    + WebSocketLimits.UNSENT_BYTES + " bytes wait for it.");
            return;
        }
        if (!bodies.reserve(cost)) {
            unsent.addAndGet(-cost);
            closeBoth(WebSocketLimits.TRY_AGAIN_LATER, WebSocketLimits.SERVER_BUSY);
            return;
        }
        network.send(message).onComplete(ignored -> sent(cost));
    }

    /** The network took (or, the connection gone, dropped) {@code size} bytes. */
    private void sent(int size) {
        bodies.unreserve(size);
        taken.addAndGet(size);
        if (unsent.addAndGet(-size) >= WebSocketLimits.FULL_AT_UNSENT_BYTES) {
            return;
        }
        java.util.List<Runnable> waiting;
        synchronized (drained) {
            waiting = new java.util.ArrayList<>(drained);
            drained.clear();
        }
        waiting.forEach(Runnable::run);
    }

    private void closeBoth(int code, String reason) {
        closed = true;
        bodies.stopSending(this);
        network.close(code, reason);
        worker.close(code, reason);
    }

    private void fromNetwork(WebSocketMessage message) {
        if (closed) {
            return;
        }
        lastMessageNanos = System.nanoTime();
        if (message.size() > WebSocketLimits.MAX_MESSAGE_BYTES) {
            closeBoth(WebSocketLimits.TOO_BIG, "Message too big: the limit is " + WebSocketLimits.MAX_MESSAGE_BYTES
                    + " bytes.");
            return;
        }
        worker.send(message);
        if (worker.full()) {
            network.pause();
            worker.whenDrained(network::resume);
        }
    }

    private void scheduleIdleCheck(long delayMs) {
        vertx.setTimer(Math.max(1, delayMs), id -> {
            if (closed || network.isClosed()) {
                bodies.stopSending(this);
                return;
            }
            long limitMs = TimeUnit.SECONDS.toMillis(WebSocketLimits.IDLE_SECONDS);
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastMessageNanos);
            if (idleMs < limitMs) {
                scheduleIdleCheck(limitMs - idleMs);
                return;
            }
            closed = true;
            bodies.stopSending(this);
            String reason = "The WebSocket was idle for " + WebSocketLimits.IDLE_SECONDS + " seconds.";
            network.close(WebSocketLimits.GOING_AWAY, reason);
            worker.close(WebSocketLimits.GOING_AWAY, reason);
        });
    }
}
