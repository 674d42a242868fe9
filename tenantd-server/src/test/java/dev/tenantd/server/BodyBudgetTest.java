package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies on their way between sockets and isolates share one budget for the whole process
 * ({@code [limits] buffered-bodies-mb}): while it is taken, another large body is refused
 * with a 503 saying why, instead of piling up in memory; once the bodies leave, it serves again.
 */
class BodyBudgetTest {
    private static final int MB = 1024 * 1024;

    @TempDir
    Path dir;

    /** Deploys {@code big.localhost}: a worker that answers {@code mb} megabytes, whole. */
    private static void deployBig(TestServer t, int mb) {
        assertThat(t.putModule(t.accountApi("/workers/scripts/big"), "{\"main_module\":\"b.js\"}", "b.js",
                "export default { fetch() { return new Response(new Uint8Array(" + mb + " * 1024 * 1024).fill(65)); } };")
                .status()).isEqualTo(200);
    }

    /**
     * A client that asks {@code big.localhost} and then reads nothing. Its status line arriving
     * shows its body was admitted and is now held: only then may a next request come, or the two
     * could be served in either order.
     */
    private static RawHttp stalledOnBig(TestServer t) throws java.io.IOException {
        RawHttp stalled = RawHttp.connectWithSmallReceiveBuffer(t.server.port(), "127.0.0.1");
        assertThat(stalled.get("big.localhost", "/").statusLine()).startsWith("HTTP/1.1 200");
        return stalled;
    }

    /** Asks until the answer's status is not {@code unwanted}, for at most 90 s. */
    private static TestServer.Reply askBigUntilNot(TestServer t, int unwanted) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        TestServer.Reply r;
        do {
            r = t.worker("GET", "big.localhost", "/", null);
        } while (r.status() == unwanted && System.nanoTime() < deadline);
        return r;
    }

    @Test
    void a_large_response_that_does_not_fit_in_the_budget_is_refused_while_another_is_in_flight() throws Exception {
        try (TestServer t = new TestServer(dir, List.of(), new ServerConfig.Capacity(64, 24L * MB))) {
            deployBig(t, 20);
            // A client that asks and then reads nothing: the 20 MB stay with the server.
            try (RawHttp stalled = stalledOnBig(t)) {
                TestServer.Reply second = askBigUntilNot(t, 200);
                assertThat(second.status()).isEqualTo(503);
                assertThat(second.body()).contains("Server busy").contains("24 MB");
                // Small answers are not held back.
                assertThat(t.putModule(t.accountApi("/workers/scripts/small"), "{\"main_module\":\"s.js\"}", "s.js",
                        "export default { fetch() { return new Response('small'); } };").status()).isEqualTo(200);
                assertThat(t.worker("GET", "small.localhost", "/", null).body()).isEqualTo("small");
            }
            // The stalled client is gone: its body leaves the budget and large answers are served again.
            TestServer.Reply again = askBigUntilNot(t, 503);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.body()).hasSize(20 * MB);
        }
    }

    @Test
    void a_client_that_takes_nothing_is_let_go_once_the_budget_is_full_so_large_answers_are_served_again() throws Exception {
        try (TestServer t = new TestServer(dir, List.of(), new ServerConfig.Capacity(64, 24L * MB))) {
            deployBig(t, 20);
            try (RawHttp stalled = stalledOnBig(t)) {
                // It never reads on, and stays connected: the server's idle timeout (75 s, renewed by
                // any byte it takes) would keep it that long. Refused answers in the meantime make
                // room by letting it go once it has taken nothing for 30 s.
                TestServer.Reply again = askBigUntilNot(t, 503);
                assertThat(again.status()).as(again.body()).isEqualTo(200);
                assertThat(again.body()).hasSize(20 * MB);
                RawHttp.Ending ending = stalled.untilClosed();
                assertThat(ending.received().length()).isLessThan(20 * MB);
            }
        }
    }

    @Test
    void a_client_that_keeps_reading_is_not_let_go_while_the_budget_is_full() throws Exception {
        try (TestServer t = new TestServer(dir, List.of(), new ServerConfig.Capacity(64, 10L * MB))) {
            deployBig(t, 8);
            try (RawHttp steady = RawHttp.connectWithSmallReceiveBuffer(t.server.port(), "127.0.0.1")) {
                steady.get("big.localhost", "/");
                java.util.concurrent.CompletableFuture<RawHttp.Download> download = new java.util.concurrent.CompletableFuture<>();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        // 64 KB every 100 ms: slow, but steady (about 13 s for the whole body)
                        download.complete(steady.download(64 * 1024, 100));
                    } catch (Exception e) {
                        download.completeExceptionally(e);
                    }
                });
                // meanwhile the budget refuses other large answers again and again, each refusal a reclaim
                int refused = 0;
                while (!download.isDone()) {
                    if (t.worker("GET", "big.localhost", "/", null).status() == 503) {
                        refused++;
                    }
                }
                reader.join();
                assertThat(refused).as("the budget was full while the client read").isPositive();
                RawHttp.Download got = download.get();
                assertThat(got.status()).isEqualTo(200);
                assertThat(got.received()).isEqualTo(8L * MB);
            }
        }
    }

    @Test
    void a_body_a_worker_sends_that_does_not_fit_in_the_budget_is_refused_before_it_is_copied() {
        try (TestServer t = new TestServer(dir, List.of(), new ServerConfig.Capacity(64, 8L * MB))) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/sender"), "{\"main_module\":\"s.js\"}", "s.js", """
                    export default { async fetch() {
                      const body = new Uint8Array(12 * 1024 * 1024);
                      try {
                        await fetch('http://127.0.0.1:9/', { method: 'POST', body });
                        return new Response('sent');
                      } catch (e) {
                        return new Response(e.message);
                      }
                    } };""").status()).isEqualTo(200);
            TestServer.Reply r = t.worker("GET", "sender.localhost", "/", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("Server busy: a body of 12582912 bytes does not fit").contains("8 MB");
        }
    }

    @Test
    void one_workers_bodies_waiting_for_answers_take_at_most_a_quarter_of_the_budget() throws Exception {
        // An origin that takes every request and never answers; a second that answers at once,
        // and tells the test when the first worker has sent all it tries to.
        java.util.List<Socket> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.CountDownLatch tried = new java.util.concurrent.CountDownLatch(1);
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread accepting = Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        Socket s = silent.accept();
                        held.add(s);
                        Thread.ofVirtual().start(() -> {
                            try {
                                s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                            } catch (java.io.IOException gone) {
                                // closed by the test
                            }
                        });
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            com.sun.net.httpserver.HttpServer answering = com.sun.net.httpserver.HttpServer.create(
                    new InetSocketAddress("127.0.0.1", 0), 0);
            answering.createContext("/", exchange -> {
                if (exchange.getRequestURI().getPath().equals("/tried")) {
                    tried.countDown();
                }
                exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
                exchange.sendResponseHeaders(200, 2);
                exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
                exchange.close();
            });
            answering.start();
            String answeringUrl = "http://127.0.0.1:" + answering.getAddress().getPort();
            try (TestServer t = new TestServer(dir, List.of(), dev.tenantd.platform.Limits.defaults(),
                    new dev.tenantd.platform.EgressPolicy(List.of("127.0.0.1"), List.of()), ListenerLimits.defaults(),
                    new ServerConfig.Capacity(64, 24L * MB))) {
                // Twelve bodies of 2 MB would fill the whole 24 MB; a quarter of it holds three.
                assertThat(t.putModule(t.accountApi("/workers/scripts/hog"), "{\"main_module\":\"h.js\"}", "h.js", """
                        export default { async fetch() {
                          const body = new Uint8Array(2 * 1024 * 1024);
                          const sent = [];
                          for (let i = 0; i < 12; i++) {
                            sent.push(fetch('http://127.0.0.1:%d/', { method: 'POST', body }).then(() => 'answered', (e) => e.message));
                          }
                          await new Promise((resolve) => setTimeout(resolve, 10));
                          await fetch('%s/tried');
                          const outcomes = await Promise.all(sent);
                          return new Response(outcomes.filter((o) => o.startsWith('This worker already has')).length + ' refused');
                        } };""".formatted(silent.getLocalPort(), answeringUrl)).status()).isEqualTo(200);
                assertThat(t.putModule(t.accountApi("/workers/scripts/other"), "{\"main_module\":\"o.js\"}", "o.js", """
                        export default { async fetch() {
                          try {
                            const r = await fetch('%s/', { method: 'POST', body: new Uint8Array(2 * 1024 * 1024) });
                            return new Response('sent: ' + await r.text());
                          } catch (e) {
                            return new Response(e.message);
                          }
                        } };""".formatted(answeringUrl)).status()).isEqualTo(200);
                java.util.concurrent.CompletableFuture<TestServer.Reply> hog = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> t.worker("GET", "hog.localhost", "/", null));
                assertThat(tried.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("the hog sent what it could").isTrue();

                assertThat(t.worker("GET", "other.localhost", "/", null).body()).isEqualTo("sent: ok");

                silent.close();
                synchronized (held) {
                    for (Socket s : held) {
                        s.close();
                    }
                }
                assertThat(hog.get(60, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("9 refused");
            } finally {
                answering.stop(0);
                silent.close();
                synchronized (held) {
                    for (Socket s : held) {
                        s.close();
                    }
                }
                accepting.join();
            }
        }
    }

    @Test
    void a_socket_write_larger_than_the_budget_holds_one_piece_of_it_while_the_peer_does_not_read() throws Exception {
        // a peer that takes the connection and never reads: the write waits, as on any socket,
        // holding a piece of it in the budget, not the whole
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                TestServer t = new TestServer(dir, List.of(), dev.tenantd.platform.Limits.defaults(),
                        new dev.tenantd.platform.EgressPolicy(List.of("localhost"), List.of()), ListenerLimits.defaults(),
                        new ServerConfig.Capacity(64, 8L * MB))) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/writer"), "{\"main_module\":\"w.js\"}", "w.js", """
                    import { connect } from 'cloudflare:sockets';
                    export default { async fetch() {
                      const socket = connect('localhost:%d');
                      const writer = socket.writable.getWriter();
                      writer.write(new Uint8Array(12 * 1024 * 1024)).catch(() => {});
                      await new Promise((resolve) => setTimeout(resolve, 300));
                      // the budget has room for most of itself: what the write holds is one piece
                      return new Response(new Uint8Array(7 * 1024 * 1024 + 512 * 1024));
                    } };""".formatted(silent.getLocalPort())).status()).isEqualTo(200);
            TestServer.Reply r = t.worker("GET", "writer.localhost", "/", null);
            assertThat(r.status()).as(r.body().length() < 300 ? r.body() : "a large body").isEqualTo(200);
            assertThat(r.body().length()).isEqualTo(7 * 1024 * 1024 + 512 * 1024);
        }
    }

    @Test
    void a_request_body_larger_than_the_budget_streams_past_it_and_one_over_the_limit_is_refused() throws Exception {
        try (TestServer t = new TestServer(dir, List.of(), new ServerConfig.Capacity(64, 8L * MB))) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/echo"), "{\"main_module\":\"e.js\"}", "e.js", """
                    export default { async fetch(request) {
                      if (new URL(request.url).pathname === '/whole') return new Response(String((await request.arrayBuffer()).byteLength));
                      let total = 0;
                      for await (const chunk of request.body) total += chunk.byteLength;
                      return new Response(String(total));
                    } };""")
                    .status()).isEqualTo(200);
            // Twice the budget: it streams to the worker as it reads, so it never has to fit.
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", t.server.port()));
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: echo.localhost\r\nConnection: close\r\nContent-Length: " + (16 * MB)
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[MB];
                for (int i = 0; i < 16; i++) {
                    out.write(block);
                }
                out.flush();
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n" + (16 * MB));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", t.server.port()));
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: echo.localhost\r\nContent-Length: " + (200L * MB) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 413").contains("Request body too large");
            }
            assertThat(t.worker("POST", "echo.localhost", "/whole", "x".repeat(1000)).body()).isEqualTo("1000");
        }
    }
}
