package dev.tenantd.platform.websocket;

import dev.tenantd.runtime.websocket.WebSocketMessage;
import io.vertx.core.Future;

/**
 * The network's side of a bridged WebSocket: a connection from a client of the worker
 * listener, or one a worker opened to a server. Its listener is called on the connection's
 * event loop; the other methods may be called from any thread.
 */
interface NetworkSocket {

    /** What the connection delivers: whole messages, then one close. */
    interface Listener {
        void message(WebSocketMessage message);

        /** The connection closed: with the peer's code and reason, or {@code 1006} when it ended without a close frame. */
        void closed(int code, String reason);
    }

    /** Starts delivering to {@code listener}; called once. */
    void listen(Listener listener);

    /** Sends a message; the future completes once the network has taken it (or dropped it, the connection gone). */
    Future<Void> send(WebSocketMessage message);

    /** Closes with a code and reason; {@code 1005} or {@code 1006} close without a status. */
    void close(int code, String reason);

    /** Stops reading from the network until {@link #resume()}. */
    void pause();

    void resume();

    boolean isClosed();
}
