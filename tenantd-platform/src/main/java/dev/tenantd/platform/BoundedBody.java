package dev.tenantd.platform;

import dev.tenantd.runtime.BodyBudget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Reads a request or response body into memory within a size limit and the process's
 * budget for bodies in flight ({@link BodyBudget}): a body that announces a size over
 * either is refused before its first byte is read, and one that grows past either while
 * it arrives is refused then, with the rest left unread. A body read whole is held in the
 * budget until its consumer releases it.
 */
public final class BoundedBody {
    /** How often, in bytes received, a body without a declared length is checked against the budget. */
    private static final int CHECK_EVERY = 1024 * 1024;
    /** The body of every request that sent no bytes (arrays of length 0 cannot change). */
    private static final byte[] NO_BYTES = new byte[0];

    /** A body larger than the limit set for it. */
    public static final class TooLarge extends RuntimeException {
        private final long limit;

        public TooLarge(long limit) {
            super("the body is larger than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** A body that does not fit in the budget for bodies in flight right now. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private BoundedBody() {
    }

    /** Content-Length as sent, or -1 when absent or not a number. */
    public static long declaredLength(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads {@code stream} whole. {@code declaredLength} is the length the sender announced
     * (Content-Length), or -1. The future fails with {@link TooLarge} or {@link Busy}.
     */
    public static Future<byte[]> read(ReadStream<Buffer> stream, long declaredLength, long maxBytes, BodyBudget budget) {
        if (declaredLength > maxBytes) {
            return Future.failedFuture(new TooLarge(maxBytes));
        }
        if (declaredLength > 0 && !budget.admits(declaredLength)) {
            return Future.failedFuture(new Busy(budget.refusal(declaredLength)));
        }
        Promise<byte[]> done = Promise.promise();
        // Made at the first chunk and grown as bytes arrive: a declared length is a claim, not
        // memory to set aside, and most requests (GET, HEAD) have no body to hold at all.
        Buffer[] received = {null};
        long[] nextCheck = {CHECK_EVERY};
        stream.exceptionHandler(done::tryFail);
        stream.handler(chunk -> {
            if (done.future().isComplete()) {
                return;
            }
            if (received[0] == null) {
                received[0] = Buffer.buffer((int) Math.min(Math.max(Math.max(declaredLength, chunk.length()), 1024),
                        64 * 1024));
            }
            received[0].appendBuffer(chunk);
            int size = received[0].length();
            if (size > maxBytes) {
                stream.handler(null);
                done.tryFail(new TooLarge(maxBytes));
            } else if (declaredLength <= 0 && size >= nextCheck[0]) {
                nextCheck[0] = size + CHECK_EVERY;
                if (!budget.admits(size)) {
                    stream.handler(null);
                    done.tryFail(new Busy(budget.refusal(size)));
                }
            }
        });
        stream.endHandler(ignored -> {
            byte[] body = received[0] == null ? NO_BYTES : received[0].getBytes();
            budget.hold(body);
            if (!done.tryComplete(body)) {
                budget.release(body);
            }
        });
        return done.future();
    }
}
