package dev.tenantd.runtime;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A body that arrives in chunks and is read one chunk at a time: the reader asks for the next
 * chunk only when it can take it, so a slow reader slows the producer down (backpressure) and
 * nobody holds more than a chunk or two of it. Bodies of {@code fetch()} answers, of responses
 * a worker builds from a {@code ReadableStream}, and of those handed on unread travel as one.
 *
 * <p>Reads are made one at a time: a second read before the first completed fails. Implementations
 * complete reads on their own threads; readers hop to theirs.
 */
public interface BodyStream {
    /** The largest chunk a read answers with; producers split larger ones. */
    int CHUNK_BYTES = 64 * 1024;

    /** The next chunk (never empty), or empty at the end; fails when the body broke off. */
    CompletableFuture<Optional<byte[]>> read();

    /** Nobody reads on: the producer stops and lets go of what it holds (its connection, its stream). */
    void cancel();

    /** The body's length if it is known ahead (a Content-Length), else -1. */
    default long length() {
        return -1;
    }

    /**
     * A body whose bytes are all here already, read in chunks of at most {@link #CHUNK_BYTES},
     * each copied from {@code bytes} when it is read (which must not change meanwhile).
     */
    static BodyStream of(byte[] bytes) {
        long length = bytes.length;
        return new BodyStream() {
            private int at;
            private boolean cancelled;

            @Override
            public synchronized CompletableFuture<Optional<byte[]>> read() {
                if (cancelled || at >= bytes.length) {
                    return CompletableFuture.completedFuture(Optional.empty());
                }
                int from = at;
                at = Math.min(bytes.length, from + CHUNK_BYTES);
                return CompletableFuture.completedFuture(Optional.of(Arrays.copyOfRange(bytes, from, at)));
            }

            @Override
            public synchronized void cancel() {
                cancelled = true;
            }

            @Override
            public long length() {
                return length;
            }
        };
    }

    /** The failure of a body that broke off: its producer failed, or it was cancelled. */
    final class BrokenBody extends RuntimeException {
        public BrokenBody(String message) {
            super(message, null, false, false);
        }
    }
}
