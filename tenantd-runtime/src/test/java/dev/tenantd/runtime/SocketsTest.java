package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@code connect()} of {@code cloudflare:sockets} in real isolates, over real TCP connections on
 * loopback (the host here connects with plain Java sockets; the platform's own host, with its
 * egress rules, has tests of its own).
 */
class SocketsTest {
    /** Shared with NodeNetTest; its daemon threads end once idle. */
    static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sockets-test");
        t.setDaemon(true);
        return t;
    });

    /** A loopback server that runs {@code serve} for each connection on its own thread. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        final List<String> events = new CopyOnWriteArrayList<>();

        Server(Consumer<Socket> serve) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            IO.execute(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        IO.execute(() -> {
                            try (s) {
                                serve.accept(s);
                            } catch (IOException e) {
                                events.add("error " + e.getMessage());
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Connects with blocking Java sockets, each call on a thread of its own. */
    static class SocketHost extends Engines.RecordingHost {
        final List<String> connected = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<HostSocket> connect(SocketRequest request) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), request.port());
                    connected.add(request.hostname() + ":" + request.port() + " " + request.secureTransport());
                    return new BlockingSocket(s, request.hostname() + ":" + request.port());
                } catch (IOException e) {
                    throw new InvocationException(Outcome.EXCEPTION, "Error", "connection refused");
                }
            }, IO);
        }
    }

    record BlockingSocket(Socket socket, String remoteAddress) implements HostSocket {
        @Override
        public CompletableFuture<byte[]> read() {
            return CompletableFuture.supplyAsync(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    int n = socket.getInputStream().read(buffer);
                    return n < 0 ? new byte[0] : Arrays.copyOf(buffer, n);
                } catch (IOException e) {
                    return new byte[0];
                }
            }, IO);
        }

        @Override
        public CompletableFuture<Void> write(byte[] bytes) {
            return CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(bytes);
                } catch (IOException e) {
                    throw new InvocationException(Outcome.EXCEPTION, "Error", "write failed");
                }
            }, IO);
        }

        @Override
        public CompletableFuture<Void> shutdownOutput() {
            return CompletableFuture.runAsync(() -> {
                try {
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new InvocationException(Outcome.EXCEPTION, "Error", "shutdown failed");
                }
            }, IO);
        }

        @Override
        public CompletableFuture<Void> startTls() {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error", "no TLS here"));
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    private static Worker load(SocketHost host, String code) {
        return get(Engines.ENGINE.load(Engines.modules("w.js", List.of(esm("w.js", code)), List.of()), host));
    }

    private static String call(Worker w, String path) {
        return text(get(w.fetch(new WorkerRequest("GET", "http://x" + path, List.of(), new byte[0]))));
    }

    static void echo(Socket s) {
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the worker closed the connection
        }
    }

    @Test
    void a_worker_writes_and_reads_back_through_an_echo_server() throws Exception {
        try (Server server = new Server(SocketsTest::echo)) {
            SocketHost host = new SocketHost();
            Worker w = load(host, """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const socket = connect({ hostname: 'localhost', port });
                      const info = await socket.opened;
                      const writer = socket.writable.getWriter();
                      const reader = socket.readable.getReader();
                      const lines = [];
                      for (const line of ['one', 'two', 'three']) {
                        await writer.write(new TextEncoder().encode(line + '\\n'));
                        let got = '';
                        while (!got.endsWith('\\n')) {
                          const { value, done } = await reader.read();
                          if (done) break;
                          got += new TextDecoder().decode(value);
                        }
                        lines.push(got.trim());
                      }
                      await socket.close();
                      return new Response(`${info.remoteAddress} ${lines.join(',')} ${socket.secureTransport}`);
                    } };""");
            assertThat(call(w, "/?port=" + server.port()))
                    .isEqualTo("localhost:" + server.port() + " one,two,three off");
            assertThat(host.connected).containsExactly("localhost:" + server.port() + " OFF");
        }
    }

    @Test
    void a_large_answer_arrives_whole_and_in_order() throws Exception {
        int size = 10 * 1024 * 1024;
        try (Server server = new Server(s -> {
            try {
                byte[] block = new byte[64 * 1024];
                for (int sent = 0; sent < size; sent += block.length) {
                    for (int i = 0; i < block.length; i++) {
                        block[i] = (byte) ((sent + i) % 251);
                    }
                    s.getOutputStream().write(block);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        })) {
            Worker w = load(new SocketHost(), """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const socket = connect(`127.0.0.1:${port}`);
                      let total = 0, wrong = 0;
                      for await (const chunk of socket.readable) {
                        for (let i = 0; i < chunk.length; i++) if (chunk[i] !== (total + i) % 251) wrong++;
                        total += chunk.length;
                      }
                      return new Response(`${total} ${wrong}`);
                    } };""");
            assertThat(call(w, "/?port=" + server.port())).isEqualTo(size + " 0");
        }
    }

    @Test
    void a_large_chunk_goes_to_the_host_in_pieces_and_arrives_whole_and_in_order() throws Exception {
        int size = 1024 * 1024 + 5;
        CompletableFuture<String> received = new CompletableFuture<>();
        try (Server server = new Server(s -> {
            try {
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[8192];
                long total = 0;
                long wrong = 0;
                for (int n; (n = in.read(buffer)) > 0; total += n) {
                    for (int i = 0; i < n; i++) {
                        wrong += buffer[i] == (byte) ((total + i) % 251) ? 0 : 1;
                    }
                }
                received.complete(total + " " + wrong);
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
        })) {
            List<Integer> writes = new CopyOnWriteArrayList<>();
            SocketHost host = new SocketHost() {
                @Override
                public CompletableFuture<HostSocket> connect(SocketRequest request) {
                    return super.connect(request).thenApply(socket -> new HostSocket() {
                        public String remoteAddress() {
                            return socket.remoteAddress();
                        }

                        public CompletableFuture<byte[]> read() {
                            return socket.read();
                        }

                        public CompletableFuture<Void> write(byte[] bytes) {
                            writes.add(bytes.length);
                            return socket.write(bytes);
                        }

                        public CompletableFuture<Void> shutdownOutput() {
                            return socket.shutdownOutput();
                        }

                        public CompletableFuture<Void> startTls() {
                            return socket.startTls();
                        }

                        public void close() {
                            socket.close();
                        }
                    });
                }
            };
            Worker w = load(host, """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch(request) {
                      const url = new URL(request.url);
                      const size = Number(url.searchParams.get('size'));
                      const socket = connect(`127.0.0.1:${url.searchParams.get('port')}`);
                      const chunk = new Uint8Array(size);
                      for (let i = 0; i < size; i++) chunk[i] = i % 251;
                      const writer = socket.writable.getWriter();
                      await writer.write(chunk);
                      await writer.close();
                      return new Response('written');
                    } };""");
            assertThat(call(w, "/?port=" + server.port() + "&size=" + size)).isEqualTo("written");
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(size + " 0");
            // what the host holds for a peer is a piece at a time, whatever the chunk's size
            assertThat(writes).hasSize(17).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(64 * 1024));
        }
    }

    @Test
    void closing_the_writable_side_sends_end_of_stream_and_the_answer_still_arrives() throws Exception {
        try (Server server = new Server(s -> {
            try {
                byte[] all = s.getInputStream().readAllBytes();
                s.getOutputStream().write(("got " + all.length + " bytes").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        })) {
            Worker w = load(new SocketHost(), """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const socket = connect({ hostname: '127.0.0.1', port }, { allowHalfOpen: true });
                      const writer = socket.writable.getWriter();
                      await writer.write(new Uint8Array(1000));
                      await writer.write(new Uint8Array(234).buffer);
                      await writer.close();
                      return new Response(socket.readable);
                    } };""");
            assertThat(call(w, "/?port=" + server.port())).isEqualTo("got 1234 bytes");
        }
    }

    @Test
    void sockets_left_open_are_closed_when_the_request_ends() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        try (Server server = new Server(s -> {
            try {
                int first = s.getInputStream().read();
                int next = s.getInputStream().read();
                seen.complete(first + " then " + next);
            } catch (IOException e) {
                seen.complete("error " + e.getMessage());
            }
        })) {
            Worker w = load(new SocketHost(), """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const socket = connect({ hostname: '127.0.0.1', port });
                      await socket.writable.getWriter().write(new Uint8Array([7]));
                      return new Response('left open');
                    } };""");
            assertThat(call(w, "/?port=" + server.port())).isEqualTo("left open");
            assertThat(seen.get(30, TimeUnit.SECONDS)).isEqualTo("7 then -1");
        }
    }

    @Test
    void bad_addresses_and_options_are_type_errors() {
        Worker w = load(new SocketHost(), """
                import { connect } from 'cloudflare:sockets';
                export default { async fetch() {
                  const out = [];
                  for (const [address, options] of [['no-port', undefined], [':80', undefined], ['bad host:80', undefined],
                      [{ hostname: 'x', port: 70000 }, undefined], ['x:99999', undefined], ['x:80', { secureTransport: 'maybe' }]]) {
                    try { connect(address, options); out.push('connected'); } catch (e) { out.push(`${e.name}: ${e.message}`); }
                  }
                  return new Response(out.join('\\n'));
                } };""");
        assertThat(call(w, "/").split("\n")).containsExactly(
                "TypeError: Specified address is missing port.",
                "TypeError: Specified address is missing hostname.",
                "TypeError: Specified address is empty string, contains unsupported characters or is too long.",
                "TypeError: The port must be an integer between 0 and 65535.",
                "TypeError: Specified address could not be parsed.",
                "TypeError: Unsupported value in secureTransport socket option: maybe");
    }

    @Test
    void writing_a_string_and_start_tls_without_starttls_are_refused() throws Exception {
        try (Server server = new Server(SocketsTest::echo)) {
            Worker w = load(new SocketHost(), """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const socket = connect({ hostname: '127.0.0.1', port });
                      const out = [];
                      try { socket.startTls(); } catch (e) { out.push(e.message); }
                      try { await socket.writable.getWriter().write('text'); } catch (e) { out.push(`${e.name}: ${e.message}`); }
                      return new Response(out.join('\\n'));
                    } };""");
            assertThat(call(w, "/?port=" + server.port()).split("\n")).containsExactly(
                    "The `secureTransport` socket option must be set to 'starttls' for startTls to be used.",
                    "TypeError: A socket can only write ArrayBuffer or ArrayBufferView chunks; encode strings with TextEncoder.");
        }
    }

    @Test
    void a_refused_connection_rejects_opened_and_closed() {
        SocketHost host = new SocketHost() {
            @Override
            public CompletableFuture<HostSocket> connect(SocketRequest request) {
                return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                        "connect() to " + request.hostname() + " was blocked by the egress policy: test."));
            }
        };
        Worker w = load(host, """
                import { connect } from 'cloudflare:sockets';
                export default { async fetch() {
                  const socket = connect('169.254.169.254:80');
                  const out = [];
                  try { await socket.opened; } catch (e) { out.push(`opened ${e.name}: ${e.message}`); }
                  try { await socket.closed; } catch (e) { out.push(`closed ${e.name}`); }
                  try { await socket.readable.getReader().read(); } catch (e) { out.push(`read ${e.name}`); }
                  return new Response(out.join('\\n'));
                } };""");
        assertThat(call(w, "/").split("\n")).containsExactly(
                "opened TypeError: connect() to 169.254.169.254 was blocked by the egress policy: test.",
                "closed TypeError", "read TypeError");
    }

    @Test
    void a_request_keeps_at_most_six_sockets_open_and_each_counts_as_a_subrequest() throws Exception {
        try (Server server = new Server(SocketsTest::echo)) {
            Worker w = load(new SocketHost(), """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const out = [];
                      const sockets = [];
                      for (let i = 0; i < 7; i++) {
                        const socket = connect({ hostname: '127.0.0.1', port });
                        sockets.push(socket);
                        try { await socket.opened; out.push('open'); } catch (e) { out.push(e.message); }
                      }
                      await sockets[0].close();
                      const again = connect({ hostname: '127.0.0.1', port });
                      await again.opened;
                      out.push('open after close');
                      return new Response(out.join('\\n'));
                    } };""");
            String[] lines = call(w, "/?port=" + server.port()).split("\n");
            assertThat(lines).hasSize(8);
            assertThat(Arrays.copyOfRange(lines, 0, 6)).containsOnly("open");
            assertThat(lines[6]).startsWith("Too many open sockets");
            assertThat(lines[7]).isEqualTo("open after close");
        }
    }

    @Test
    void connect_needs_the_module_and_is_not_a_global() {
        Worker w = load(new SocketHost(), """
                import sockets from 'cloudflare:sockets';
                export default { fetch() {
                  return new Response(`${typeof globalThis.connect} ${typeof sockets.connect}`);
                } };""");
        assertThat(call(w, "/")).isEqualTo("undefined function");
    }
}
