package dev.tenantd.runtime.websocket;

/**
 * What one side of a WebSocket connection does with what the other side sends. Calls
 * arrive in order, on whatever thread the sender runs on, and must return at once (hand
 * the work to an event loop or an isolate's mailbox).
 */
public interface WebSocketReceiver {

    void message(WebSocketMessage message);

    /** The other side closed the connection (or went away: code 1006, 1001, 1011). The last call. */
    void closed(int code, String reason);

    /**
     * Whether this receiver relays what it gets to a network connection (a client of the worker
     * listener, or a server a worker connected to), so that what comes back through it comes
     * from the network.
     */
    default boolean network() {
        return false;
    }

    /** Whether this receiver holds as much unprocessed work as it may: the sender should stop reading. */
    default boolean full() {
        return false;
    }

    /** Runs {@code then} once the receiver is no longer {@link #full() full} (at once if it is not). */
    default void whenDrained(Runnable then) {
        then.run();
    }
}
