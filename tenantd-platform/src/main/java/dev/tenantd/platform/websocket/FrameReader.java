package dev.tenantd.platform.websocket;

import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the frames a server sends on a WebSocket (RFC 6455, section 5) from the bytes of its
 * connection, as a client does: it joins fragments into messages, refuses a message over its
 * limit as soon as a frame's length shows it (before the payload is read), and fails the
 * connection on anything a server may not send (masked frames, reserved bits without an
 * extension, unknown opcodes, text that is not UTF-8). It holds at most the message in
 * progress and one frame's header besides.
 */
final class FrameReader {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    /** Close code for a frame the protocol does not allow. */
    static final int PROTOCOL_ERROR = 1002;
    /** Close code for text that is not UTF-8. */
    static final int INVALID_DATA = 1007;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    /** What the frames read make. */
    interface Sink {
        void message(WebSocketMessage message);

        void ping(byte[] payload);

        /** A close frame: its code ({@code 1005} when it has none) and reason. */
        void closeReceived(int code, String reason);

        /** The connection broke the protocol or a limit: it is to be closed with {@code code}. */
        void failed(int code, String reason);
    }

    private final int maxMessageBytes;
    private final Sink sink;
    /** Bytes received and not yet read as frames. */
    private Buffer pending = Buffer.buffer();
    /** The message being joined from fragments, and its opcode ({@code -1}: none). */
    private Buffer message;
    private int messageOpcode = -1;
    private boolean done;
    /** While set, frames wait in {@link #pending}: the reader of the messages is full. */
    private boolean paused;

    FrameReader(int maxMessageBytes, Sink sink) {
        this.maxMessageBytes = maxMessageBytes;
        this.sink = sink;
    }

    /** Reads {@code bytes}, the next ones from the connection; after a close frame or a failure, nothing more is read. */
    void read(Buffer bytes) {
        if (done) {
            return;
        }
        pending.appendBuffer(bytes);
        int at = 0;
        while (!done && !paused) {
            int frameLength = frame(at);
            if (frameLength <= 0) {
                break;
            }
            at += frameLength;
        }
        if (done) {
            pending = Buffer.buffer();
        } else if (at > 0) {
            pending = pending.getBuffer(at, pending.length());
        }
    }

    /**
     * Stops reading frames, from the next one on, until {@link #resume()}: the bytes already
     * received wait (at most one network read besides the frame in progress).
     */
    void pause() {
        paused = true;
    }

    boolean paused() {
        return paused;
    }

    /** Reads the frames that waited, and goes on reading. */
    void resume() {
        paused = false;
        read(Buffer.buffer());
    }

    /** Reads the frame at {@code at}: its length in bytes, or 0 when it has not all arrived (or the connection failed). */
    private int frame(int at) {
        int available = pending.length() - at;
        if (available < 2) {
            return 0;
        }
        int first = pending.getUnsignedByte(at);
        int second = pending.getUnsignedByte(at + 1);
        boolean fin = (first & 0x80) != 0;
        int opcode = first & 0x0F;
        if ((first & 0x70) != 0) {
            return fail(PROTOCOL_ERROR, "A frame has reserved bits set, and no extension was agreed.");
        }
        if ((second & 0x80) != 0) {
            return fail(PROTOCOL_ERROR, "A server's frames are never masked.");
        }
        int header = 2;
        long length = second & 0x7F;
        if (length == 126) {
            if (available < 4) {
                return 0;
            }
            length = pending.getUnsignedShort(at + 2);
            header = 4;
        } else if (length == 127) {
            if (available < 10) {
                return 0;
            }
            length = pending.getLong(at + 2);
            header = 10;
            if (length < 0) {
                return fail(PROTOCOL_ERROR, "A frame's length is over 2^63 bytes.");
            }
        }
        boolean control = opcode >= CLOSE;
        if (control) {
            if (opcode != CLOSE && opcode != PING && opcode != PONG) {
                return fail(PROTOCOL_ERROR, "Unknown control opcode " + opcode + ".");
            }
            if (!fin || length > MAX_CONTROL_PAYLOAD) {
                return fail(PROTOCOL_ERROR, "A control frame is fragmented or over 125 bytes.");
            }
        } else if (opcode != CONTINUATION && opcode != TEXT && opcode != BINARY) {
            return fail(PROTOCOL_ERROR, "Unknown data opcode " + opcode + ".");
        } else if (opcode == CONTINUATION && messageOpcode < 0) {
            return fail(PROTOCOL_ERROR, "A continuation frame came with no message to continue.");
        } else if (opcode != CONTINUATION && messageOpcode >= 0) {
            return fail(PROTOCOL_ERROR, "A new message began before the last one ended.");
        } else if ((message == null ? 0 : message.length()) + length > maxMessageBytes) {
            return fail(WebSocketLimits.TOO_BIG, "Message too big: the limit is " + maxMessageBytes + " bytes.");
        }
        if (available - header < length) {
            return 0;
        }
        int start = at + header;
        int end = start + (int) length;
        if (control) {
            control(opcode, pending.getBytes(start, end));
        } else {
            data(opcode, fin, start, end);
        }
        return end - at;
    }

    private void control(int opcode, byte[] payload) {
        switch (opcode) {
            case PING -> sink.ping(payload);
            case CLOSE -> closeFrame(payload);
            default -> {
                // A pong answers a ping this side never sends; nothing to do.
            }
        }
    }

    private void closeFrame(byte[] payload) {
        if (payload.length == 0) {
            done = true;
            sink.closeReceived(WebSocketLimits.NO_STATUS, "");
            return;
        }
        if (payload.length == 1) {
            fail(PROTOCOL_ERROR, "A close frame has a one-byte payload.");
            return;
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!sendableCode(code)) {
            fail(PROTOCOL_ERROR, "A close frame has code " + code + ", which may not be sent.");
            return;
        }
        String reason;
        try {
            reason = utf8(ByteBuffer.wrap(payload, 2, payload.length - 2));
        } catch (CharacterCodingException e) {
            fail(INVALID_DATA, "A close frame's reason is not UTF-8.");
            return;
        }
        done = true;
        sink.closeReceived(code, reason);
    }

    /** Codes a close frame may carry (RFC 6455, section 7.4). */
    static boolean sendableCode(int code) {
        return code >= 1000 && code <= 1014 && code != 1004 && code != WebSocketLimits.NO_STATUS
                && code != WebSocketLimits.ABNORMAL || code >= 3000 && code <= 4999;
    }

    private void data(int opcode, boolean fin, int start, int end) {
        if (message == null) {
            message = Buffer.buffer(fin ? end - start : Math.max(end - start, 256));
        }
        message.appendBuffer(pending, start, end - start);
        if (opcode != CONTINUATION) {
            messageOpcode = opcode;
        }
        if (!fin) {
            return;
        }
        Buffer whole = message;
        int kind = messageOpcode;
        message = null;
        messageOpcode = -1;
        if (kind == BINARY) {
            sink.message(new WebSocketMessage.Binary(whole.getBytes()));
            return;
        }
        try {
            sink.message(new WebSocketMessage.Text(utf8(ByteBuffer.wrap(whole.getBytes()))));
        } catch (CharacterCodingException e) {
            fail(INVALID_DATA, "A text message is not UTF-8.");
        }
    }

    private int fail(int code, String reason) {
        done = true;
        message = null;
        sink.failed(code, reason);
        return 0;
    }

    private static String utf8(ByteBuffer bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes)
                .toString();
    }
}
