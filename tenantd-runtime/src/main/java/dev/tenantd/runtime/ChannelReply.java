package dev.tenantd.runtime;

import java.util.Objects;

/**
 * The host's answer to a {@link ChannelCall}: data for the binding's JS wrapper to
 * shape (text, usually JSON, and bytes), or a response that reaches the worker as a
 * {@code Response}. A failed call is a failed future whose {@link InvocationException}
 * names the JS error type and message the worker sees.
 */
public sealed interface ChannelReply {

    /** Text and bytes for the wrapper: {@code {text, bytes}} in JS, bytes as a Uint8Array or null. */
    record Data(String text, byte[] bytes) implements ChannelReply {
        private static final byte[] EMPTY = new byte[0];

        public Data {
            Objects.requireNonNull(text, "text");
            bytes = bytes == null ? EMPTY : bytes;
        }
    }

    /** An HTTP response: the worker's promise resolves to a {@code Response}. */
    record Response(WorkerResponse response) implements ChannelReply {
        public Response {
            Objects.requireNonNull(response, "response");
        }
    }

    static ChannelReply data(String text) {
        return new Data(text, null);
    }

    static ChannelReply data(String text, byte[] bytes) {
        return new Data(text, bytes);
    }

    static ChannelReply response(WorkerResponse response) {
        return new Response(response);
    }
}
