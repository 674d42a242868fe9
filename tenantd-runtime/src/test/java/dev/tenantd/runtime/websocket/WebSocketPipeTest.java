package dev.tenantd.runtime.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pair's two ends: messages wait for an end nobody attached yet, within bounds. */
class WebSocketPipeTest {
    /** Records what reaches an end. */
    static final class Recorder implements WebSocketReceiver {
        final List<WebSocketMessage> messages = new ArrayList<>();
        final List<String> closes = new ArrayList<>();

        @Override
        public void message(WebSocketMessage message) {
            messages.add(message);
        }

        @Override
        public void closed(int code, String reason) {
            closes.add(code + " " + reason);
        }
    }

    @Test
    void messages_for_an_end_nobody_attached_wait_and_arrive_in_order() {
        WebSocketPipe pipe = new WebSocketPipe();
        pipe.first().send(new WebSocketMessage.Text("one"));
        pipe.first().send(new WebSocketMessage.Binary(new byte[] {2}));
        Recorder second = new Recorder();
        pipe.second().attach(second);
        assertThat(second.messages).containsExactly(new WebSocketMessage.Text("one"), second.messages.get(1));
        assertThat(((WebSocketMessage.Binary) second.messages.get(1)).bytes()).containsExactly(2);
        assertThat(second.closes).isEmpty();
    }

    @Test
    void more_bytes_than_may_wait_for_an_unattached_end_fail_both_directions() {
        WebSocketPipe pipe = new WebSocketPipe();
        Recorder first = new Recorder();
        pipe.first().attach(first);
        byte[] mib = new byte[WebSocketLimits.MAX_MESSAGE_BYTES];
        long messages = WebSocketLimits.UNATTACHED_BYTES / mib.length;
        for (int i = 0; i < messages; i++) {
            pipe.first().send(new WebSocketMessage.Binary(mib));
        }
        assertThat(first.closes).as("within the bound").isEmpty();
        pipe.first().send(new WebSocketMessage.Binary(mib));
        assertThat(first.closes).singleElement().asString().startsWith("1011 ");
        Recorder second = new Recorder();
        pipe.second().attach(second);
        assertThat(second.messages).as("what waited is dropped").isEmpty();
        assertThat(second.closes).singleElement().asString().startsWith("1011 ");
    }

    @Test
    void a_text_counts_its_utf8_bytes() {
        assertThat(new WebSocketMessage.Text("aé€😀").size()).isEqualTo("aé€😀".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(new WebSocketMessage.Text("x\uD800y").size())
                .isEqualTo("x\uD800y".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
}
