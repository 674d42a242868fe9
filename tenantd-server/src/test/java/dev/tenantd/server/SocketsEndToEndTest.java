package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's connect() through the running server: the platform's egress rules decide where it may go. */
class SocketsEndToEndTest {
    @TempDir
    Path dir;

    static final String CLIENT = """
            import { connect } from 'cloudflare:sockets';
            export default { async fetch(request) {
              const target = new URL(request.url).searchParams.get('to');
              try {
                const socket = connect(target);
                const writer = socket.writable.getWriter();
                await writer.write(new TextEncoder().encode('hello over tcp'));
                await writer.close();
                const answer = await new Response(socket.readable).text();
                return new Response(`answer: ${answer}`);
              } catch (e) {
                return new Response(`${e.name}: ${e.message}`);
              }
            } };""";

    /** Answers each connection with what it received, upper-cased, once the client has sent all. */
    private static ServerSocket shoutingServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    out.write(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                            .toUpperCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return;
                }
            }
        }, "shouting-server");
        thread.setDaemon(true);
        thread.start();
        return server;
    }

    @Test
    void a_worker_reaches_an_allowed_host_and_nothing_the_policy_refuses() throws Exception {
        try (ServerSocket server = shoutingServer();
                TestServer t = new TestServer(dir, List.of(), Limits.defaults(),
                        new EgressPolicy(List.of("localhost"), List.of()))) {
            t.putModule(t.accountApi("/workers/scripts/client"), "{\"main_module\":\"c.js\"}", "c.js", CLIENT);
            int port = server.getLocalPort();
            assertThat(t.worker("GET", "client.localhost", "/?to=localhost:" + port, null).body())
                    .isEqualTo("answer: HELLO OVER TCP");
            assertThat(t.worker("GET", "client.localhost", "/?to=127.0.0.1:" + port, null).body())
                    .as("loopback by address is not on the allow list")
                    .startsWith("TypeError: connect() to 127.0.0.1:" + port + " was blocked by the egress policy");
            assertThat(t.worker("GET", "client.localhost", "/?to=169.254.169.254:80", null).body())
                    .startsWith("TypeError: connect() to 169.254.169.254:80 was blocked by the egress policy");
            assertThat(t.worker("GET", "client.localhost", "/?to=localhost:25", null).body())
                    .isEqualTo("Error: connect() to localhost:25 was refused: connections to port 25 are not allowed.");
            assertThat(t.worker("GET", "client.localhost", "/?to=localhost:" + port, null).body())
                    .as("the server keeps serving after refusals").isEqualTo("answer: HELLO OVER TCP");
        }
    }

    @Test
    void a_large_write_reaches_the_peer_whole_and_in_order() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                TestServer t = new TestServer(dir, List.of(), Limits.defaults(),
                        new EgressPolicy(List.of("localhost"), List.of()))) {
            // Answers with the SHA-256 of everything the client sent, in hex.
            Thread peer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    byte[] all = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(all)).getBytes(
                                    java.nio.charset.StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the assertion below fails without an answer
                }
            }, "digest-server");
            peer.setDaemon(true);
            peer.start();
            t.putModule(t.accountApi("/workers/scripts/writer"), "{\"main_module\":\"w.js\"}", "w.js", """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch(request) {
                      const target = new URL(request.url).searchParams.get('to');
                      const bytes = new Uint8Array(3 * 1024 * 1024 + 7);
                      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
                      const socket = connect(target);
                      const writer = socket.writable.getWriter();
                      await writer.write(bytes.subarray(0, 100));
                      await writer.write(bytes.subarray(100));
                      await writer.close();
                      const answer = await new Response(socket.readable).text();
                      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
                      const mine = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
                      return new Response(answer === mine ? 'same' : 'differs: ' + answer + ' ' + mine);
                    } };""");
            assertThat(t.worker("GET", "writer.localhost", "/?to=localhost:" + server.getLocalPort(), null).body())
                    .isEqualTo("same");
        }
    }
}
