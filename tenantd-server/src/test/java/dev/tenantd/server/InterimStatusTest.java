package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin that answers a worker's fetch() with an interim status as if it were the final one
 * (102 Processing): the client never gets a status that tells it more is to come (it would wait,
 * or pair the next answer with this request). The fetch fails (see EgressInterimStatusTest), so a
 * worker that relays it answers 500, with the worker's exception.
 */
class InterimStatusTest {
    @TempDir
    Path dir;

    @Test
    void a_final_answer_with_an_interim_status_is_refused_not_sent_to_the_client() throws Exception {
        try (ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = Thread.ofVirtual().start(() -> {
                while (!origin.isClosed()) {
                    try (Socket s = origin.accept()) {
                        // the whole request head, before answering
                        java.io.InputStream in = s.getInputStream();
                        int matched = 0;
                        while (matched < 4) {
                            int b = in.read();
                            if (b < 0) {
                                break;
                            }
                            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                        }
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 102 Processing\r\nconnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            try (TestServer t = new TestServer(dir, List.of(), Limits.defaults(),
                    new EgressPolicy(List.of("127.0.0.1"), List.of()))) {
                t.deploy("/workers/scripts/relay", "{\"main_module\":\"w.js\"}", "w.js",
                        "export default { fetch() { return fetch('http://127.0.0.1:" + origin.getLocalPort() + "/'); } };");

                TestServer.Reply r = t.worker("GET", "relay.localhost", "/", null);

                assertThat(r.status()).isEqualTo(500);
                assertThat(r.body()).startsWith("Worker threw exception");
            } finally {
                origin.close();
                answering.join();
            }
        }
    }
}
