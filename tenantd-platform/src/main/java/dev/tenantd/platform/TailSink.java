package dev.tenantd.platform;

/** The receiving end of a live tail: a client connection that takes events as JSON text. */
public interface TailSink {

    /**
     * Hands the client one event without waiting. Returns false when the client is not
     * keeping up and the event was dropped instead.
     */
    boolean offer(String eventJson);

    /** Ends the connection: the tail was deleted, replaced or has expired. */
    void close();
}
