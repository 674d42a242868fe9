package dev.tenantd.platform;

import dev.tenantd.runtime.BodyStream;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP body read from its connection as the worker reads it (a {@code fetch()} answer, or a
 * client's request body): at most {@link #READ_AHEAD} bytes are read ahead of the reader, then
 * the connection is left unread (TCP backpressure reaches the sender) until the reader takes
 * them. A body longer than its limit breaks off there.
 */
public final class ReadStreamBody implements BodyStream {
    /** Bytes read from the connection ahead of the reader at most (plus one network read). */
    static final int READ_AHEAD = 64 * 1024;

    private final Context context;
    private final ReadStream<Buffer> source;
    private final long length;
    private final long limit;
    /** Run on the context when the body is cancelled before its end. */
    private final Runnable onCancel;
    private final Runnable onTooLong;
    private long received;
    // Guarded by this.
    private final ArrayDeque<Buffer> queued = new ArrayDeque<>();
    private int queuedBytes;
    private boolean demanded;
    private boolean ended;
    private boolean cancelled;
    private Throwable failure;
    private CompletableFuture<Optional<byte[]>> pending;

    /** Takes over {@code response}'s body (cancelling resets its connection); call on its context, before any of it was delivered. */
    ReadStreamBody(Context context, HttpClientResponse response, long length) {
        this(context, response, length, Long.MAX_VALUE, () -> response.request().reset(), () -> { });
    }

    /**
     * Takes over the body {@code source} delivers; call on its context, before any of it was
     * delivered. Past {@code limit} bytes the body breaks off ({@link TooLong}) and {@code onTooLong}
     * runs on the context; {@code onCancel} runs there when the reader lets go of the body before its end.
     */
    public ReadStreamBody(Context context, ReadStream<Buffer> source, long length, long limit, Runnable onCancel,
            Runnable onTooLong) {
        this.context = context;
        this.source = source;
        this.length = length;
        this.limit = limit;
        this.onCancel = onCancel;
        this.onTooLong = onTooLong;
        source.pause();
        source.handler(this::arrived);
        source.endHandler(ignored -> ended());
        source.exceptionHandler(this::failed);
        demand();
    }

    /** The body went on past its limit. */
    public static final class TooLong extends RuntimeException {
        public TooLong(long limit) {
            super("the body is longer than " + limit + " bytes, the most this server takes", null, false, false);
        }
    }


    @Override
    public long length() {
        return length;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> read() {
        CompletableFuture<Optional<byte[]>> read;
        boolean more;
        synchronized (this) {
            if (cancelled) {
                return CompletableFuture.failedFuture(new BrokenBody("the body was cancelled"));
            }
            if (pending != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("a read of this body is in progress"));
            }
            if (!queued.isEmpty()) {
                read = CompletableFuture.completedFuture(Optional.of(drain()));
            } else if (failure != null) {
                read = CompletableFuture.failedFuture(new BrokenBody(message(failure)));
            } else if (ended) {
                read = CompletableFuture.completedFuture(Optional.empty());
            } else {
                read = new CompletableFuture<>();
                pending = read;
            }
            more = wantsMore();
        }
        if (more) {
            context.runOnContext(ignored -> demand());
        }
        return read;
    }

    /**
     * Lets go of the body: what is queued is dropped, the rest is left to {@code onCancel}, and a
     * read waiting for more fails at once (the client that went away, or the response that ended,
     * will not send the rest, and the reader must not wait for its limits to end it).
     */
    @Override
    public void cancel() {
        CompletableFuture<Optional<byte[]>> read;
        boolean release;
        synchronized (this) {
            release = !(cancelled || ended && queued.isEmpty() || failure instanceof TooLong);
            cancelled = true;
            queued.clear();
            queuedBytes = 0;
            read = pending;
            pending = null;
        }
        if (read != null) {
            read.completeExceptionally(new BrokenBody("the body was cancelled before its end"));
        }
        if (release) {
            context.runOnContext(ignored -> onCancel.run());
        }
    }

    /** On the context: asks the connection for one more piece if the reader is not far enough behind. */
    private void demand() {
        synchronized (this) {
            if (!wantsMore()) {
                return;
            }
            demanded = true;
        }
        source.fetch(1);
    }

    private boolean wantsMore() {
        return !demanded && !ended && !cancelled && failure == null && queuedBytes < READ_AHEAD;
    }

    private void arrived(Buffer chunk) {
        CompletableFuture<Optional<byte[]>> read = null;
        byte[] bytes = null;
        boolean tooLong = false;
        synchronized (this) {
            demanded = false;
            if (cancelled || failure != null || chunk.length() == 0) {
                // nothing to keep
            } else if ((received += chunk.length()) > limit) {
                // Nothing more is read: the sender learns of it when the connection ends.
                tooLong = true;
                failure = new TooLong(limit);
                queued.clear();
                queuedBytes = 0;
                read = pending;
                pending = null;
            } else {
                queued.add(chunk);
                queuedBytes += chunk.length();
                if (pending != null) {
                    read = pending;
                    pending = null;
                    bytes = drain();
                }
            }
        }
        if (tooLong) {
            if (read != null) {
                read.completeExceptionally(new BrokenBody(new TooLong(limit).getMessage()));
            }
            onTooLong.run();
            return;
        }
        if (read != null) {
            read.complete(Optional.of(bytes));
        }
        demand();
    }

    private void ended() {
        CompletableFuture<Optional<byte[]>> read;
        synchronized (this) {
            ended = true;
            read = pending;
            pending = null;
        }
        if (read != null) {
            read.complete(Optional.empty());
        }
    }

    private void failed(Throwable error) {
        CompletableFuture<Optional<byte[]>> read;
        synchronized (this) {
            if (ended || cancelled || failure != null) {
                return;
            }
            failure = error;
            read = pending;
            pending = null;
        }
        if (read != null) {
            read.completeExceptionally(new BrokenBody(message(error)));
        }
    }

    /** Everything queued, up to a chunk's size, as one array. Holds the lock. */
    private byte[] drain() {
        // Copied once, straight into the array handed on: a body streamed through the server
        // passes every byte through here, and each copy is garbage the size of the body.
        byte[] out = new byte[Math.min(queuedBytes, CHUNK_BYTES)];
        int filled = 0;
        while (filled < out.length) {
            Buffer next = queued.poll();
            int taken = Math.min(next.length(), out.length - filled);
            next.getBytes(0, taken, out, filled);
            if (taken < next.length()) {
                queued.addFirst(next.slice(taken, next.length()));
            }
            filled += taken;
        }
        queuedBytes -= out.length;
        return out;
    }

    private static String message(Throwable error) {
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }
}
