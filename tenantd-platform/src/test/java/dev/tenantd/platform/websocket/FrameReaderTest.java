package dev.tenantd.platform.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.websocket.WebSocketMessage;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frames a server sends, as the client side of a worker's outbound WebSocket reads them. */
class FrameReaderTest {
    private static final int LIMIT = 100_000;
    private final Events events = new Events();
    private final FrameReader reader = new FrameReader(LIMIT, events);

    /** What a reader delivers, one line each; {@code afterMessage} runs after each message. */
    private static final class Events extends ArrayList<String> implements FrameReader.Sink {
        Runnable afterMessage = () -> { };
        WebSocketMessage last;

        @Override
        public void message(WebSocketMessage message) {
            last = message;
            add(switch (message) {
                case WebSocketMessage.Text t -> "text " + t.text();
                case WebSocketMessage.Binary b -> "binary " + b.bytes().length;
            });
            afterMessage.run();
        }

        @Override
        public void ping(byte[] payload) {
            add("ping " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void closeReceived(int code, String reason) {
            add("close " + code + " " + reason);
        }

        @Override
        public void failed(int code, String reason) {
            add("failed " + code + " " + reason);
        }
    }

    /** A frame as a server sends it: unmasked. */
    private static Buffer frame(boolean fin, int opcode, byte[] payload) {
        Buffer out = Buffer.buffer().appendByte((byte) ((fin ? 0x80 : 0) | opcode));
        if (payload.length < 126) {
            out.appendByte((byte) payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.appendByte((byte) 126).appendUnsignedShort(payload.length);
        } else {
            out.appendByte((byte) 127).appendLong(payload.length);
        }
        return out.appendBytes(payload);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void readByteByByte(Buffer bytes) {
        for (int i = 0; i < bytes.length(); i++) {
            reader.read(bytes.getBuffer(i, i + 1));
        }
    }

    @Test
    void fragments_are_joined_across_reads_of_any_size_with_control_frames_between_them() {
        byte[] word = utf8("héllo wörld");
        Buffer stream = Buffer.buffer()
                .appendBuffer(frame(false, FrameReader.TEXT, Arrays.copyOfRange(word, 0, 2))) // ends inside 'é'
                .appendBuffer(frame(true, FrameReader.PING, utf8("still there?")))
                .appendBuffer(frame(false, FrameReader.CONTINUATION, Arrays.copyOfRange(word, 2, 9)))
                .appendBuffer(frame(true, FrameReader.PONG, new byte[0]))
                .appendBuffer(frame(true, FrameReader.CONTINUATION, Arrays.copyOfRange(word, 9, word.length)))
                .appendBuffer(frame(true, FrameReader.BINARY, new byte[300]))
                .appendBuffer(frame(true, FrameReader.BINARY, new byte[70_000]))
                .appendBuffer(frame(true, FrameReader.TEXT, new byte[0]));
        readByteByByte(stream);
        reader.read(stream);
        List<String> once = List.of("ping still there?", "text héllo wörld", "binary 300", "binary 70000", "text ");
        List<String> twice = new ArrayList<>(once);
        twice.addAll(once);
        assertThat(events).isEqualTo(twice);
    }

    @Test
    void a_pause_holds_the_frames_already_received_until_resumed() {
        events.afterMessage = reader::pause;
        reader.read(Buffer.buffer().appendBuffer(frame(true, FrameReader.TEXT, utf8("one")))
                .appendBuffer(frame(true, FrameReader.TEXT, utf8("two")))
                .appendBuffer(frame(true, FrameReader.TEXT, utf8("thr"))));
        assertThat(events).containsExactly("text one");
        reader.read(frame(true, FrameReader.TEXT, utf8("ee")).getBuffer(0, 3));
        assertThat(events).containsExactly("text one");
        reader.resume();
        assertThat(events).containsExactly("text one", "text two");
        reader.resume();
        assertThat(events).containsExactly("text one", "text two", "text thr");
        reader.resume(); // the next frame has not all arrived
        assertThat(events).containsExactly("text one", "text two", "text thr");
        reader.read(frame(true, FrameReader.TEXT, utf8("ee")).getBuffer(3, 4));
        assertThat(events).containsExactly("text one", "text two", "text thr", "text ee");
    }

    @Test
    void a_message_over_the_limit_fails_with_1009_when_its_length_is_read_not_its_payload() {
        reader.read(Buffer.buffer().appendByte((byte) 0x82).appendByte((byte) 127).appendLong(LIMIT + 1));
        assertThat(events).containsExactly("failed 1009 Message too big: the limit is 100000 bytes.");
        reader.read(frame(true, FrameReader.TEXT, utf8("after")));
        assertThat(events).hasSize(1);
    }

    @Test
    void fragments_that_add_up_to_more_than_the_limit_fail_with_1009() {
        reader.read(frame(false, FrameReader.BINARY, new byte[60_000]));
        reader.read(frame(false, FrameReader.CONTINUATION, new byte[40_000]));
        assertThat(events).isEmpty();
        reader.read(Buffer.buffer().appendByte((byte) 0x80).appendByte((byte) 1));
        assertThat(events).containsExactly("failed 1009 Message too big: the limit is 100000 bytes.");
    }

    @Test
    void frames_a_server_may_not_send_fail_with_1002() {
        List<Buffer> bad = List.of(
                Buffer.buffer(new byte[] {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 'x'}), // masked
                Buffer.buffer(new byte[] {(byte) 0xC1, 1, 'x'}), // a reserved bit, no extension agreed
                frame(true, 0x3, utf8("x")), // an unknown data opcode
                frame(true, 0xB, utf8("x")), // an unknown control opcode
                frame(true, FrameReader.CONTINUATION, utf8("x")), // nothing to continue
                frame(false, FrameReader.PING, utf8("x")), // a fragmented control frame
                frame(true, FrameReader.PING, new byte[126]), // a control frame over 125 bytes
                frame(true, FrameReader.CLOSE, new byte[] {3}), // a one-byte close payload
                frame(true, FrameReader.CLOSE, new byte[] {0x03, (byte) 0xED}), // 1005, which is never sent
                Buffer.buffer().appendByte((byte) 0x82).appendByte((byte) 127).appendLong(-1)); // over 2^63
        for (Buffer frame : bad) {
            Events seen = new Events();
            FrameReader fresh = new FrameReader(LIMIT, seen);
            fresh.read(frame);
            assertThat(seen).as(frame.toString()).hasSize(1).allMatch(e -> e.startsWith("failed 1002 "));
        }
    }

    @Test
    void a_new_message_inside_a_fragmented_one_fails_with_1002() {
        reader.read(frame(false, FrameReader.TEXT, utf8("a")));
        reader.read(frame(true, FrameReader.BINARY, utf8("b")));
        assertThat(events).containsExactly("failed 1002 A new message began before the last one ended.");
    }

    @Test
    void text_that_is_not_utf8_fails_with_1007() {
        reader.read(frame(true, FrameReader.TEXT, new byte[] {'o', 'k', (byte) 0xC3}));
        assertThat(events).containsExactly("failed 1007 A text message is not UTF-8.");
    }

    @Test
    void a_close_frame_gives_its_code_and_reason_and_nothing_is_read_after_it() {
        Buffer close = Buffer.buffer().appendUnsignedShort(4001).appendString("done here");
        reader.read(Buffer.buffer().appendBuffer(frame(true, FrameReader.CLOSE, close.getBytes()))
                .appendBuffer(frame(true, FrameReader.TEXT, utf8("too late"))));
        assertThat(events).containsExactly("close 4001 done here");
        FrameReaderTest other = new FrameReaderTest();
        other.reader.read(frame(true, FrameReader.CLOSE, new byte[0]));
        assertThat(other.events).containsExactly("close 1005 ");
    }

    @Test
    void frames_sent_are_masked_and_long_messages_split_into_frames_of_64_KiB() {
        byte[] payload = new byte[150_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        Buffer sent = ClientConnection.frames(FrameReader.BINARY, payload);
        // Unmask each frame as a server would, and read the result back.
        Buffer unmasked = Buffer.buffer();
        int at = 0;
        int frames = 0;
        while (at < sent.length()) {
            int first = sent.getUnsignedByte(at);
            int second = sent.getUnsignedByte(at + 1);
            assertThat(second & 0x80).as("masked").isEqualTo(0x80);
            int length = second & 0x7F;
            int header = 2;
            if (length == 126) {
                length = sent.getUnsignedShort(at + 2);
                header = 4;
            } else if (length == 127) {
                length = (int) sent.getLong(at + 2);
                header = 10;
            }
            assertThat(length).isLessThanOrEqualTo(ClientConnection.FRAME_BYTES);
            byte[] mask = sent.getBytes(at + header, at + header + 4);
            byte[] body = sent.getBytes(at + header + 4, at + header + 4 + length);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i & 3];
            }
            unmasked.appendBuffer(frame((first & 0x80) != 0, first & 0x0F, body));
            at += header + 4 + length;
            frames++;
        }
        assertThat(frames).isEqualTo(3);
        Events back = new Events();
        new FrameReader(200_000, back).read(unmasked);
        assertThat(back).containsExactly("binary 150000");
        assertThat(((WebSocketMessage.Binary) back.last).bytes()).isEqualTo(payload);
    }

    @Test
    void a_close_reason_is_cut_to_fit_a_control_frame_at_a_character_boundary() {
        byte[] cut = ClientConnection.clippedReason("é".repeat(100));
        assertThat(cut.length).isEqualTo(122);
        assertThat(new String(cut, StandardCharsets.UTF_8)).isEqualTo("é".repeat(61));
        assertThat(ClientConnection.clippedReason("short")).isEqualTo(utf8("short"));
    }
}
