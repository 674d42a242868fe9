package dev.tenantd.runtime.websocket;

/**
 * One end of a WebSocket connection as the host holds it: what is sent through it goes to
 * the other side, and what the other side sends goes to the receiver attached to it. An
 * end travels from an isolate to whoever completes the connection (the ingress that speaks
 * to the client, the dispatch worker that hands a user worker's response on, or another
 * isolate that accepts it).
 */
public interface WebSocketEnd {

    /**
     * Starts delivering what the other side sends to {@code receiver}, beginning with what it
     * sent before. An end is attached at most once.
     *
     * @throws IllegalStateException when it was attached already
     */
    void attach(WebSocketReceiver receiver);

    void send(WebSocketMessage message);

    /** Sends a close frame; nothing is sent after it. */
    void close(int code, String reason);

    /**
     * Whether what arrives on this end comes from the network: its other side is relayed to a
     * connection ({@link WebSocketReceiver#network()}), not held by an isolate.
     */
    default boolean fromNetwork() {
        return false;
    }

    /** Whether the other side holds as much unprocessed work as it may: stop reading what goes to it. */
    boolean full();

    /** Runs {@code then} once the other side can take more (at once if it can). */
    void whenDrained(Runnable then);
}
