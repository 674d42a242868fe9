package dev.tenantd.server;

import dev.tenantd.runtime.BodyStream;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a body that arrives in chunks ({@link BodyStream}) to the client as it arrives: the next
 * chunk is asked for only once the connection has taken the last one, so a slow client slows the
 * worker (or the origin behind it) down instead of filling memory. A client that goes away
 * cancels the body; a body that breaks off mid-way resets the connection, so the client can
 * tell a cut body from a whole one.
 */
final class StreamedResponse {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedResponse.class);

    private StreamedResponse() {
    }

    /** Sends {@code stream} as the body of {@code out}, whose status and headers are set. */
    static void send(Context context, HttpServerResponse out, BodyStream stream, String describe) {
        if (!out.headers().contains("content-length")) {
            out.setChunked(true);
        }
        out.closeHandler(ignored -> stream.cancel());
        pump(context, out, stream, describe);
    }

    private static void pump(Context context, HttpServerResponse out, BodyStream stream, String describe) {
        stream.read().whenComplete((chunk, error) -> context.runOnContext(ignored -> {
            if (out.closed() || out.ended()) {
                stream.cancel();
                return;
            }
            if (error != null) {
                Throwable cause = error.getCause() != null && error instanceof java.util.concurrent.CompletionException
                        ? error.getCause() : error;
                LOG.info("the response body of {} broke off: {}", describe, LogText.clip(cause.getMessage()));
                out.reset();
                return;
            }
            if (chunk.isEmpty()) {
                out.end();
                return;
            }
            out.write(Buffer.buffer(chunk.get()));
            if (out.writeQueueFull()) {
                out.drainHandler(drained -> {
                    out.drainHandler(null);
                    pump(context, out, stream, describe);
                });
            } else {
                pump(context, out, stream, describe);
            }
        }));
    }
}
