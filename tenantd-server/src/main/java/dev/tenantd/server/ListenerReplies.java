package dev.tenantd.server;

import dev.tenantd.api.ApiError;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * How a listener words what it answers on its own: plain text for worker traffic (whose
 * clients are browsers and apps), Cloudflare envelopes on the API listener.
 */
interface ListenerReplies {

    /** A whole response. */
    record Reply(int status, String contentType, String body) {

        /** The response for a connection that closes after it. */
        FullHttpResponse toResponse() {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return response;
        }
    }

    Reply reply(ListenerProblem problem, String message);

    ListenerReplies TEXT = (problem, message) -> new Reply(problem.status(), "text/plain;charset=UTF-8", message + "\n");

    ListenerReplies ENVELOPE = (problem, message) -> {
        ApiError error = switch (problem) {
            case MALFORMED_REQUEST -> ApiError.malformedRequest(message);
            case REQUEST_TIMEOUT -> ApiError.requestTimeout(message);
            case URI_TOO_LONG -> ApiError.uriTooLong(message);
            case TOO_MANY_CONNECTIONS_FROM_ADDRESS -> ApiError.tooManyConnectionsFromAddress(message);
            case HEADERS_TOO_LARGE -> ApiError.headersTooLarge(message);
            case TOO_MANY_CONNECTIONS -> ApiError.tooManyConnections(message);
        };
        return new Reply(error.status(), "application/json; charset=utf-8", error.envelopeJson());
    };
}
