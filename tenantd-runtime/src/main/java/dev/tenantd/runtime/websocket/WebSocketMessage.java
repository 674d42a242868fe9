package dev.tenantd.runtime.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** One WebSocket message: text or binary, never a fragment. */
public sealed interface WebSocketMessage {

    /** The message's size in bytes on the wire (text as UTF-8), which the message size limit counts. */
    int size();

    record Text(String text) implements WebSocketMessage {
        public Text {
            Objects.requireNonNull(text);
        }

        @Override
        public int size() {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    record Binary(byte[] bytes) implements WebSocketMessage {
        public Binary {
            Objects.requireNonNull(bytes);
        }

        @Override
        public int size() {
            return bytes.length;
        }
    }
}
