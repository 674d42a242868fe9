package dev.tenantd.runtime.websocket;

import java.util.Objects;

/** One WebSocket message: text or binary, never a fragment. */
public sealed interface WebSocketMessage {

    /** The message's size in bytes on the wire (text as UTF-8), which the message size limit counts. */
    int size();

    record Text(String text) implements WebSocketMessage {
        public Text {
            Objects.requireNonNull(text);
        }

        /** The text's length in UTF-8, as it is sent (an unpaired surrogate as one byte), counted without encoding it. */
        @Override
        public int size() {
            int bytes = 0;
            int n = text.length();
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    bytes++;
                } else if (c < 0x800) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else if (Character.isSurrogate(c)) {
                    bytes++; // encoded as '?'
                } else {
                    bytes += 3;
                }
            }
            return bytes;
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
