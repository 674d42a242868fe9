package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket messages waiting in the server count against the budget for bodies in flight
 * ({@code [limits] buffered-bodies-mb}), both those waiting for a peer to take them and those
 * waiting for an isolate: each socket's own limits (16 MiB) allow gigabytes over thousands of
 * sockets. A message that does not fit closes its socket with 1013 (try again later), and what
 * the socket held is given back.
 */
class WebSocketBudgetTest {
    private static final long MB = 1024 * 1024;

    @TempDir
    static Path dir;
    static TestServer t;

    /** Twelve messages of 1 MiB: under every per-socket limit, over this server's 2 MB budget. */
    static final String FLOODER = """
            let lastClose = 'none';
            const twelve = (socket) => {
              const chunk = new Uint8Array(1024 * 1024);
              for (let i = 0; i < 12; i++) socket.send(chunk);
            };
            export default { async fetch(request) {
              const url = new URL(request.url);
              if (url.pathname === '/last-close') return new Response(lastClose);
              if (url.pathname === '/pair') {
                // Both ends here, and one turn that sends them all before the receiver runs.
                const [a, b] = new WebSocketPair();
                a.accept();
                b.accept();
                let received = 0;
                const outcome = new Promise((resolve) => {
                  b.addEventListener('message', () => { if (++received === 12) resolve('all delivered'); });
                  b.addEventListener('close', (event) => resolve('closed ' + event.code + ' ' + event.reason));
                });
                twelve(a);
                return new Response(await outcome);
              }
              const [client, server] = new WebSocketPair();
              server.accept();
              server.addEventListener('message', () => twelve(server));
              server.addEventListener('close', (event) => { lastClose = event.code + ' ' + event.reason; });
              return new Response(null, { status: 101, webSocket: client });
            } };""";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(), new ServerConfig.Capacity(64, 2 * MB));
        t.deploy("/workers/scripts/flooder", "{\"main_module\":\"f.js\"}", "f.js", FLOODER);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void messages_a_client_has_not_taken_count_and_past_the_budget_close_its_socket_with_1013() throws Exception {
        RawWebSocket.Handshake h = RawWebSocket.connect("ws://127.0.0.1:" + t.server.port() + "/", "x", "flooder.localhost");
        assertThat(h.status()).isEqualTo(101);
        try (RawWebSocket ws = h.socket()) {
            // 12 MiB come back at once; the kernel's buffers take a few, the rest wait in the server.
            ws.sendMaskedText("go");
            assertThat(Await.value(() -> t.worker("GET", "flooder.localhost", "/last-close", null).body()
                    .startsWith("1013") ? true : null, "the server to close the socket for the budget")).isTrue();
            int messages = 0;
            RawWebSocket.Frame frame;
            while ((frame = ws.read()).opcode() != RawWebSocket.CLOSE) {
                messages++;
            }
            assertThat(messages).as("messages the server sent before the budget was full").isLessThan(12);
            ByteBuffer close = ByteBuffer.wrap(frame.payload());
            assertThat(close.getShort() & 0xFFFF).isEqualTo(1013);
            assertThat(new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8))
                    .startsWith("Server busy");
        }
        assertThat(Await.value(() -> t.bodiesBuffered() == 0 ? true : null, "the socket's bytes given back")).isTrue();
    }

    @Test
    void messages_waiting_for_an_isolate_count_and_past_the_budget_close_the_socket_with_1013() {
        TestServer.Reply r = t.worker("GET", "flooder.localhost", "/pair", null);
        assertThat(r.body()).startsWith("closed 1013 Server busy");
        assertThat(Await.value(() -> t.bodiesBuffered() == 0 ? true : null, "the queued bytes given back")).isTrue();
    }
}
