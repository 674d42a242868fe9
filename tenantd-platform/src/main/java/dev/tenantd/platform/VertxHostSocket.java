package dev.tenantd.platform;

import dev.tenantd.runtime.HostSocket;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A worker's TCP connection on a Vert.x socket. Received data waits here up to
 * {@link #READ_AHEAD} bytes, then the connection stops reading from the network until the
 * worker reads: the peer is held back by TCP flow control, never by memory. Every state change
 * happens on the socket's event loop.
 */
final class VertxHostSocket implements HostSocket {
    /** Bytes received ahead of the worker's reads; also the most one read returns. */
    static final int READ_AHEAD = 64 * 1024;
    /** The most bytes of a worker's write handed to the connection in one step. */
    static final int WRITE_PIECE = 64 * 1024;
    private static final int WRITE_PIECES_PER_TURN = 4;
    private static final byte[] END = new byte[0];

    private final NetSocket socket;
    private final Context context;
    private final String remoteAddress;
    private final String hostname;
    private final ClientSSLOptions tls;
    // On the event loop only.
    private final ArrayDeque<Buffer> received = new ArrayDeque<>();
    private int receivedBytes;
    private boolean ended;
    private boolean closed;
    private Throwable failure;
    private CompletableFuture<byte[]> pendingRead;
    /** A write waiting for the connection to drain; failed if the connection closes first. */
    private io.vertx.core.Promise<Void> waitingWrite;
    /**
     * The latest write, done when all of it is handed to the connection: a write, a TLS upgrade
     * or a shutdown of output starts only after it, so no piece of a write goes out after them.
     */
    private Future<Void> writing = Future.succeededFuture();
    /** The connection closed (by either side): no more pieces are written. */
    private boolean lost;
    /**
     * A TLS upgrade has begun and not finished: whatever is received meanwhile was read before the
     * handshake, in plain text anyone on the path could have sent, and is dropped.
     */
    private boolean upgrading;

    /** {@code whenClosed} runs once, when the connection has closed, by either side. */
    VertxHostSocket(NetSocket socket, String remoteAddress, String hostname, ClientSSLOptions tls, Runnable whenClosed) {
        this.socket = socket;
        this.context = Vertx.currentContext();
        this.remoteAddress = remoteAddress;
        this.hostname = hostname;
        this.tls = tls;
        // A close cuts a connection its peer has stopped reading off, rather than wait on it for good.
        PromptClose.install(channel());
        socket.handler(this::received);
        socket.endHandler(v -> ended());
        socket.closeHandler(v -> {
            lost = true;
            ended();
            io.vertx.core.Promise<Void> write = waitingWrite;
            waitingWrite = null;
            if (write != null) {
                write.tryFail(new InvocationException(Outcome.EXCEPTION, "Error", "The socket is closed."));
            }
            whenClosed.run();
        });
        socket.exceptionHandler(this::failed);
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public CompletableFuture<byte[]> read() {
        CompletableFuture<byte[]> read = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (!received.isEmpty()) {
                read.complete(take());
            } else if (failure != null) {
                read.completeExceptionally(lost(failure));
            } else if (ended || closed) {
                read.complete(END);
            } else if (pendingRead != null) {
                read.completeExceptionally(new InvocationException(Outcome.EXCEPTION, "TypeError",
                        "The socket is already being read."));
            } else {
                pendingRead = read;
            }
        });
        return read;
    }

    @Override
    public CompletableFuture<Void> write(byte[] bytes) {
        return onLoop(() -> {
            if (closed) {
                return Future.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error", "The socket is closed."));
            }
            io.vertx.core.Promise<Void> written = io.vertx.core.Promise.promise();
            writing.onComplete(previous -> writeFrom(bytes, 0, written));
            writing = written.future();
            return written.future();
        });
    }

    /**
     * Runs {@code action} on the event loop once the latest write is handed to the connection
     * (or failed); writes made after this call wait for {@code action} in turn.
     */
    private Future<Void> afterWrites(java.util.function.Supplier<Future<Void>> action) {
        Future<Void> done = writing.transform(previous -> action.get());
        writing = done.transform(outcome -> Future.succeededFuture());
        return done;
    }

    /**
     * Hands {@code bytes} from {@code from} on to the connection in pieces of {@link #WRITE_PIECE}
     * bytes, a few per event-loop turn and as the connection drains: one write of a hundred
     * megabytes would be copied whole, twice, in one turn of the loop other connections share.
     * {@code written} completes with the last piece's write.
     */
    private void writeFrom(byte[] bytes, int from, io.vertx.core.Promise<Void> written) {
        int at = from;
        for (int i = 0; i < WRITE_PIECES_PER_TURN; i++) {
            if (closed || lost) {
                written.tryFail(new InvocationException(Outcome.EXCEPTION, "Error", "The socket is closed."));
                return;
            }
            int length = Math.min(WRITE_PIECE, bytes.length - at);
            Buffer piece = io.vertx.core.internal.buffer.BufferInternal.buffer(
                    io.netty.buffer.Unpooled.wrappedBuffer(bytes, at, length));
            at += length;
            if (at >= bytes.length) {
                socket.write(piece).onComplete(written);
                return;
            }
            socket.write(piece);
            if (socket.writeQueueFull()) {
                int next = at;
                waitingWrite = written;
                socket.drainHandler(v -> {
                    socket.drainHandler(null);
                    waitingWrite = null;
                    writeFrom(bytes, next, written);
                });
                return;
            }
        }
        int next = at;
        context.runOnContext(v -> writeFrom(bytes, next, written));
    }

    @Override
    public CompletableFuture<Void> shutdownOutput() {
        return onLoop(() -> afterWrites(() -> {
            if (channel() instanceof DuplexChannel duplex) {
                io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
                duplex.shutdownOutput().addListener(f -> {
                    if (f.isSuccess()) {
                        done.complete();
                    } else {
                        done.fail(f.cause());
                    }
                });
                return done.future();
            }
            return socket.end();
        }));
    }

    @Override
    public CompletableFuture<Void> startTls() {
        return onLoop(() -> afterWrites(() -> {
            // What arrived before the handshake and was not read is plaintext that anyone on the
            // path could have sent: it must not be read as if it came over TLS. A read still
            // waiting on the plain connection ends with it. What the connection had read and not
            // delivered yet, being paused, comes while the upgrade runs, and is dropped too.
            boolean paused = receivedBytes >= READ_AHEAD;
            received.clear();
            receivedBytes = 0;
            completePending(END);
            upgrading = true;
            Future<Void> upgraded;
            try {
                upgraded = socket.upgradeToSsl(tls, hostname, null).andThen(done -> {
                    upgrading = false;
                    PromptClose.install(channel());
                });
            } catch (RuntimeException e) {
                // Refused at once (TLS is on already): the connection stays as it was.
                upgrading = false;
                return Future.failedFuture(e);
            }
            if (paused && !closed) {
                resumeReading();
            }
            return upgraded;
        }));
    }

    /** Bytes received and not yet read (for tests). */
    CompletableFuture<Integer> unreadBytes() {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        context.runOnContext(v -> count.complete(receivedBytes));
        return count;
    }

    @Override
    public void close() {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            closed = true;
            received.clear();
            receivedBytes = 0;
            try {
                completePending(END);
            } finally {
                socket.close();
            }
        });
    }

    /** The connection's channel, under the Vert.x socket. */
    Channel channel() {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }

    /**
     * Stops reading from the network. Pausing the Vert.x socket alone only stops delivery: it
     * reads on until a queue of its own holds 16 reads of up to 64 KiB each, beside the read-ahead.
     */
    private void pauseReading() {
        socket.pause();
        channel().config().setAutoRead(false);
    }

    private void resumeReading() {
        socket.resume();
        channel().config().setAutoRead(true);
    }

    private void received(Buffer buffer) {
        if (closed || upgrading) {
            return;
        }
        received.add(buffer);
        receivedBytes += buffer.length();
        if (pendingRead != null) {
            CompletableFuture<byte[]> read = pendingRead;
            pendingRead = null;
            read.complete(take());
        }
        if (receivedBytes >= READ_AHEAD) {
            pauseReading();
        }
    }

    /** Up to {@link #READ_AHEAD} bytes of what was received, in order. */
    private byte[] take() {
        Buffer first = received.peek();
        if (first.length() > READ_AHEAD) {
            byte[] part = first.getBytes(0, READ_AHEAD);
            received.poll();
            received.addFirst(first.getBuffer(READ_AHEAD, first.length()));
            receivedBytes -= READ_AHEAD;
            if (receivedBytes < READ_AHEAD && !closed) {
                resumeReading();
            }
            return part;
        }
        Buffer out = Buffer.buffer();
        while (!received.isEmpty() && out.length() + received.peek().length() <= READ_AHEAD) {
            Buffer next = received.poll();
            out.appendBuffer(next);
            receivedBytes -= next.length();
        }
        if (receivedBytes < READ_AHEAD && !closed) {
            resumeReading();
        }
        return out.getBytes();
    }

    private void ended() {
        ended = true;
        if (received.isEmpty()) {
            completePending(END);
        }
    }

    private void failed(Throwable error) {
        if (failure == null) {
            failure = error;
        }
        CompletableFuture<byte[]> read = pendingRead;
        if (read != null && received.isEmpty()) {
            pendingRead = null;
            read.completeExceptionally(lost(error));
        }
    }

    private void completePending(byte[] bytes) {
        CompletableFuture<byte[]> read = pendingRead;
        if (read != null) {
            pendingRead = null;
            read.complete(bytes);
        }
    }

    private static InvocationException lost(Throwable error) {
        return new InvocationException(Outcome.EXCEPTION, "Error", "Network connection lost: " + TcpEgress.describe(error));
    }

    private CompletableFuture<Void> onLoop(java.util.function.Supplier<Future<Void>> action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            Future<Void> future;
            try {
                future = action.get();
            } catch (RuntimeException e) {
                future = Future.failedFuture(e);
            }
            future.onComplete(ar -> {
                if (ar.succeeded()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(ar.cause() instanceof InvocationException known ? known : lost(ar.cause()));
                }
            });
        });
        return done;
    }
}
