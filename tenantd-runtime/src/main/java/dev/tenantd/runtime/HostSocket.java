package dev.tenantd.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * An open TCP connection the host made for a worker. The worker pulls: the host reads from
 * the network only while a {@link #read()} is pending (or a little ahead of it), so a worker
 * that stops reading stops the peer through TCP flow control. Futures may complete on any thread.
 */
public interface HostSocket {

    /** The address the connection went to, as {@code host:port}. */
    String remoteAddress();

    /** The next bytes received; an empty array once the peer has closed its side. */
    CompletableFuture<byte[]> read();

    /** Completes when the bytes are handed to the network. */
    CompletableFuture<Void> write(byte[] bytes);

    /** Closes the sending side (the peer reads end of stream); reading goes on. */
    CompletableFuture<Void> shutdownOutput();

    /** Upgrades a plain connection to TLS, verifying the peer's certificate for the host name it was opened with. */
    CompletableFuture<Void> startTls();

    /** Closes the connection at once; pending reads end as end of stream. Idempotent. */
    void close();
}
