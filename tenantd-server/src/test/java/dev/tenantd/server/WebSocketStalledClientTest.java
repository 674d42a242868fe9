package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket client that stops reading is closed for it (more than 16 MiB wait for it), and its
 * connection goes even though the close frame, queued behind those bytes, can never reach it:
 * what waited is given back to the budget for bodies in flight, which every tenant shares.
 */
class WebSocketStalledClientTest {
    @TempDir
    Path dir;

    /** Twenty messages of 1 MiB: more than the 16 MiB that may wait for a client. */
    static final String FLOODER = """
            let lastClose = 'none';
            export default { async fetch(request) {
              if (new URL(request.url).pathname === '/last-close') return new Response(lastClose);
              const [client, server] = new WebSocketPair();
              server.accept();
              server.addEventListener('message', () => {
                const chunk = new Uint8Array(1024 * 1024);
                for (let i = 0; i < 20; i++) server.send(chunk);
              });
              server.addEventListener('close', (event) => { lastClose = event.code + ' ' + event.reason; });
              return new Response(null, { status: 101, webSocket: client });
            } };""";

    @Test
    void a_client_that_reads_nothing_has_its_connection_cut_off_and_gives_its_bytes_back() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            t.deploy("/workers/scripts/flooder", "{\"main_module\":\"f.js\"}", "f.js", FLOODER);
            // A small receive buffer, never read from: the close frame would wait behind megabytes for good.
            RawWebSocket.Handshake h = RawWebSocket.connect("ws://127.0.0.1:" + t.server.port() + "/", "x",
                    "flooder.localhost", "", 4096);
            assertThat(h.status()).isEqualTo(101);
            try (RawWebSocket ws = h.socket()) {
                ws.sendMaskedText("go");
                assertThat(Await.value(() -> t.worker("GET", "flooder.localhost", "/last-close", null).body()
                        .startsWith("1008") ? true : null, "the server to close the socket its client does not read"))
                        .isTrue();
                assertThat(Await.value(() -> t.bodiesBuffered() == 0 ? true : null, "the socket's bytes given back"))
                        .isTrue();
                // The connection is gone: reading what the kernel holds ends in a reset, or at its end.
                assertThat(ws.drainsToItsEnd()).as("the connection ended by the server").isTrue();
            }
        }
    }
}
