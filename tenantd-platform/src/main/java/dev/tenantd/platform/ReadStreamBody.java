package dev.tenantd.platform;

import dev.tenantd.runtime.BodyStream;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The body of an HTTP response read from its connection as the worker reads it: at most
 * {@link #READ_AHEAD} bytes are read ahead of the reader, then the connection is left unread
 * (TCP backpressure reaches the origin) until the reader takes them. Cancelling closes the
 * connection.
 */
final class ReadStreamBody implements BodyStream {
    /** Bytes read from the connection ahead of the reader at most (plus one network read). */
    static final int READ_AHEAD = 64 * 1024;

    private final Context context;
    private final HttpClientResponse response;
    private final long length;
    // Guarded by this.
    private final ArrayDeque<Buffer> queued = new ArrayDeque<>();
    private int queuedBytes;
    private boolean demanded;
    private boolean ended;
    private boolean cancelled;
    private Throwable failure;
    private CompletableFuture<Optional<byte[]>> pending;

    /** Takes over {@code response}'s body; call on its context, before any of it was delivered. */
    ReadStreamBody(Context context, HttpClientResponse response, long length) {
        this.context = context;
        this.response = response;
        this.length = length;
        response.pause();
        response.handler(this::arrived);
        response.endHandler(ignored -> ended());
        response.exceptionHandler(this::failed);
        demand();
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

    @Override
    public void cancel() {
        synchronized (this) {
            if (cancelled || ended && queued.isEmpty()) {
                cancelled = true;
                return;
            }
            cancelled = true;
            queued.clear();
            queuedBytes = 0;
        }
        context.runOnContext(ignored -> response.request().reset());
    }

    /** On the context: asks the connection for one more piece if the reader is not far enough behind. */
    private void demand() {
        synchronized (this) {
            if (!wantsMore()) {
                return;
            }
            demanded = true;
        }
        response.fetch(1);
    }

    private boolean wantsMore() {
        return !demanded && !ended && !cancelled && failure == null && queuedBytes < READ_AHEAD;
    }

    private void arrived(Buffer chunk) {
        CompletableFuture<Optional<byte[]>> read = null;
        byte[] bytes = null;
        synchronized (this) {
            demanded = false;
            if (cancelled || chunk.length() == 0) {
                // nothing to keep
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
            if (ended || cancelled) {
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
        Buffer out = Buffer.buffer(Math.min(queuedBytes, CHUNK_BYTES));
        while (!queued.isEmpty() && out.length() < CHUNK_BYTES) {
            Buffer next = queued.poll();
            int room = CHUNK_BYTES - out.length();
            if (next.length() > room) {
                out.appendBuffer(next, 0, room);
                queued.addFirst(next.slice(room, next.length()));
            } else {
                out.appendBuffer(next);
            }
        }
        queuedBytes -= out.length();
        return out.getBytes();
    }

    private static String message(Throwable error) {
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }
}
