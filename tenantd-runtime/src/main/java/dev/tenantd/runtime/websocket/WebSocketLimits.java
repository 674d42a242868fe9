package dev.tenantd.runtime.websocket;

/**
 * The limits of WebSockets, as Cloudflare documents them for Workers where it does.
 */
public final class WebSocketLimits {
    /** The largest message a worker receives or sends: 1 MiB. A larger one closes the connection with 1009. */
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /**
     * The largest message a connection's decoder reads whole: messages between this and
     * {@link #MAX_MESSAGE_BYTES} are read and refused with a close frame (1009) the peer
     * sees; larger ones end the connection as soon as their length is known.
     */
    public static final int DECODED_MESSAGE_BYTES = 2 * MAX_MESSAGE_BYTES;
    /**
     * Messages for an isolate that it has not handled yet, per socket: when this many wait,
     * the host stops reading from the client until the isolate catches up.
     */
    public static final int QUEUED_MESSAGES = 16;
    /** Messages sent to an end that nobody attached yet: beyond this the connection fails with 1011. */
    public static final int UNATTACHED_MESSAGES = 1024;
    /** The same, in bytes: what waits for an end nobody attached yet. */
    public static final long UNATTACHED_BYTES = 16L * MAX_MESSAGE_BYTES;
    /**
     * Bytes of messages for a connection's peer that the network has not taken yet: beyond this
     * the peer is not reading, and the connection is closed (1008) rather than buffered without
     * bound. Whoever relays another connection's messages stops reading from it well before.
     */
    public static final long UNSENT_BYTES = 16L * MAX_MESSAGE_BYTES;
    /**
     * What a message costs on its way beyond its payload (its frame and the write that carries
     * it), counted with the unsent bytes: a flood of empty messages is not free.
     */
    public static final int MESSAGE_OVERHEAD_BYTES = 64;
    /** Unsent bytes from which a connection counts as {@linkplain WebSocketReceiver#full() full}. */
    public static final long FULL_AT_UNSENT_BYTES = MAX_MESSAGE_BYTES;
    /**
     * Bytes of messages for an isolate that it has not handled yet, per socket: beyond this (a
     * sender in the same isolate that never yields) the socket closes with 1011.
     */
    public static final long QUEUED_BYTES = 16L * MAX_MESSAGE_BYTES;
    public static final int POLICY_VIOLATION = 1008;
    /** Open WebSockets one isolate may hold (both ends of a pair count). */
    public static final int SOCKETS_PER_ISOLATE = 512;
    /** A connection with no message in either direction for this long is closed (1001). */
    public static final long IDLE_SECONDS = 100;

    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int NO_STATUS = 1005;
    public static final int ABNORMAL = 1006;
    public static final int TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;
    /** "Try Again Later": the server's memory for messages in flight is full. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** The reason sent with {@link #TRY_AGAIN_LATER} (a close reason must fit in 123 bytes). */
    public static final String SERVER_BUSY = "Server busy: the memory set aside for messages in flight is full; try again later.";

    private WebSocketLimits() {
    }

    /**
     * Whether a worker may send this close code: 1000 to 4999 except the codes RFC 6455
     * reserves for use inside an endpoint (1004, 1005, 1006, 1015), as Workers accept.
     */
    public static boolean sendableCloseCode(int code) {
        return code >= 1000 && code < 5000 && code != 1004 && code != NO_STATUS && code != ABNORMAL && code != 1015;
    }
}
