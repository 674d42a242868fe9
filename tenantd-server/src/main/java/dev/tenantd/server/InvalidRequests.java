package dev.tenantd.server;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * What a listener answers to a request it cannot read as HTTP (too long a request line or
 * headers, a malformed line): a response that says what to fix, worded for the listener's
 * clients, after which the connection closes.
 */
final class InvalidRequests {
    private InvalidRequests() {
    }

    static Handler<HttpServerRequest> handler(ListenerReplies replies, HttpServerOptions options) {
        return request -> {
            Throwable cause = request.decoderResult().cause();
            ListenerReplies.Reply reply;
            if (cause instanceof TooLongHttpLineException) {
                reply = replies.reply(ListenerProblem.URI_TOO_LONG, "The request line is longer than "
                        + options.getMaxInitialLineLength() + " bytes. Shorten the URL.");
            } else if (cause instanceof TooLongHttpHeaderException) {
                reply = replies.reply(ListenerProblem.HEADERS_TOO_LARGE, "The request headers are larger than "
                        + options.getMaxHeaderSize() + " bytes together. Send fewer or shorter headers "
                        + "(large cookies are the usual cause).");
            } else {
                reply = replies.reply(ListenerProblem.MALFORMED_REQUEST, "The request is not valid HTTP/1.1"
                        + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")
                        + ". Check the request line and that every header is 'Name: value'.");
            }
            request.response().setStatusCode(reply.status()).putHeader("content-type", reply.contentType())
                    .putHeader("connection", "close").end(reply.body())
                    .onComplete(done -> request.connection().close());
        };
    }
}
