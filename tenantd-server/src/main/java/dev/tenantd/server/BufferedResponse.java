package dev.tenantd.server;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a body a worker answered with whole (bytes it built in memory) in pieces of
 * {@link #PIECE} bytes, a few per event-loop turn and only as fast as the connection drains.
 * Handed to the connection at once, a body of a hundred megabytes would be copied twice in
 * one turn of the event loop that serves every other connection on it (into a buffer of its
 * own, then into native memory for the socket), and held in native memory until sent.
 */
final class BufferedResponse {
    /** Bodies up to this size go to the connection in one write. */
    static final int PIECE = 64 * 1024;
    private static final int PIECES_PER_TURN = 4;

    private BufferedResponse() {
    }

    /**
     * Sends {@code body} as the body of {@code out}, whose status and headers are set;
     * {@code written} counts the bytes handed to the connection, and {@code done} runs once,
     * when the body is sent or the connection is gone.
     */
    static void send(Context context, HttpServerResponse out, byte[] body, AtomicLong written, Runnable done) {
        if (body.length <= PIECE) {
            written.set(body.length);
            out.end(Buffer.buffer(body)).onComplete(ignored -> done.run());
            return;
        }
        AtomicBoolean over = new AtomicBoolean();
        Runnable finish = () -> {
            if (over.compareAndSet(false, true)) {
                done.run();
            }
        };
        out.putHeader("content-length", Integer.toString(body.length));
        out.closeHandler(v -> finish.run());
        pump(context, out, body, written, finish);
    }

    private static void pump(Context context, HttpServerResponse out, byte[] body, AtomicLong written, Runnable finish) {
        for (int i = 0; i < PIECES_PER_TURN; i++) {
            if (out.closed()) {
                finish.run();
                return;
            }
            if (out.writeQueueFull()) {
                out.drainHandler(v -> {
                    out.drainHandler(null);
                    pump(context, out, body, written, finish);
                });
                return;
            }
            int from = (int) written.get();
            int length = Math.min(PIECE, body.length - from);
            // A view of the worker's bytes, not a copy: the socket copies the piece into native memory.
            Buffer piece = BufferInternal.buffer(Unpooled.wrappedBuffer(body, from, length));
            written.addAndGet(length);
            if (from + length == body.length) {
                out.end(piece).onComplete(ignored -> finish.run());
                return;
            }
            out.write(piece);
        }
        context.runOnContext(v -> pump(context, out, body, written, finish));
    }
}
