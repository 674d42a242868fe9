package dev.tenantd.platform.websocket;

import dev.tenantd.runtime.websocket.WebSocketEnd;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import dev.tenantd.runtime.websocket.WebSocketReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays messages both ways between a WebSocket connection on the network (a client of
 * the worker listener, or a server a worker connected to) and a worker's
 * {@link WebSocketEnd}. Reading from the network stops while the isolate has a full queue
 * of its messages, so a fast peer cannot pile up work; a connection with no message either
 * way for {@link WebSocketLimits#IDLE_SECONDS} is closed with 1001. A message over
 * {@link WebSocketLimits#MAX_MESSAGE_BYTES} closes both sides with 1009.
 */
public final class WebSocketBridge {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketBridge.class);

    private final Vertx vertx;
    private final WebSocketBase network;
    private final WebSocketEnd worker;
    private volatile long lastMessageNanos = System.nanoTime();
    private volatile boolean closed;

    private WebSocketBridge(Vertx vertx, WebSocketBase network, WebSocketEnd worker) {
        this.vertx = vertx;
        this.network = network;
        this.worker = worker;
    }

    /** Starts relaying between {@code network} and {@code worker} until either side closes. */
    public static void bridge(Vertx vertx, WebSocketBase network, WebSocketEnd worker) {
        new WebSocketBridge(vertx, network, worker).start();
    }

    private void start() {
        worker.attach(new WebSocketReceiver() {
            @Override
            public void message(WebSocketMessage message) {
                lastMessageNanos = System.nanoTime();
                switch (message) {
                    case WebSocketMessage.Text t -> network.writeTextMessage(t.text());
                    case WebSocketMessage.Binary b -> network.writeBinaryMessage(Buffer.buffer(b.bytes()));
                }
            }

            @Override
            public void closed(int code, String reason) {
                closed = true;
                if (code == WebSocketLimits.NO_STATUS || code == WebSocketLimits.ABNORMAL) {
                    network.close();
                } else {
                    network.close((short) code, reason);
                }
            }
        });
        network.textMessageHandler(text -> fromNetwork(new WebSocketMessage.Text(text)));
        network.binaryMessageHandler(bytes -> fromNetwork(new WebSocketMessage.Binary(bytes.getBytes())));
        network.exceptionHandler(error -> LOG.debug("WebSocket connection error: {}", error.toString()));
        network.closeHandler(v -> {
            if (closed) {
                return;
            }
            closed = true;
            Short code = network.closeStatusCode();
            String reason = network.closeReason();
            worker.close(code == null ? WebSocketLimits.ABNORMAL : code, reason == null ? "" : reason);
        });
        scheduleIdleCheck(TimeUnit.SECONDS.toMillis(WebSocketLimits.IDLE_SECONDS));
    }

    private void fromNetwork(WebSocketMessage message) {
        if (closed) {
            return;
        }
        lastMessageNanos = System.nanoTime();
        if (message.size() > WebSocketLimits.MAX_MESSAGE_BYTES) {
            closed = true;
            String reason = "Message too big: the limit is " + WebSocketLimits.MAX_MESSAGE_BYTES + " bytes.";
            network.close((short) WebSocketLimits.TOO_BIG, reason);
            worker.close(WebSocketLimits.TOO_BIG, reason);
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
                return;
            }
            long limitMs = TimeUnit.SECONDS.toMillis(WebSocketLimits.IDLE_SECONDS);
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastMessageNanos);
            if (idleMs < limitMs) {
                scheduleIdleCheck(limitMs - idleMs);
                return;
            }
            closed = true;
            String reason = "The WebSocket was idle for " + WebSocketLimits.IDLE_SECONDS + " seconds.";
            network.close((short) WebSocketLimits.GOING_AWAY, reason);
            worker.close(WebSocketLimits.GOING_AWAY, reason);
        });
    }
}
