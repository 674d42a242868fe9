package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies stream end to end over real sockets: client → dispatch worker → user worker →
 * client (an echo) or → origin, and a worker's own stream → origin. In each test the rest of the
 * body is sent only after its first part came out at the other end, so a server that read a
 * whole body before handing it on would never get it (the client's socket times out instead).
 */
class StreamedRequestBodiesTest {
    private static final int FIRST = 100 * 1024;
    private static final int REST = 3 * 1024 * 1024;

    @TempDir
    static Path dir;
    static TestServer t;
    static HttpServer origin;
    static volatile CountDownLatch originHasFirstPart = new CountDownLatch(1);
    static volatile boolean gateTimedOut;

    @BeforeAll
    static void start() throws IOException {
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setExecutor(Executors.newCachedThreadPool());
        // Counts and hashes the body, saying when its first part is in.
        origin.createContext("/upload", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                MessageDigest sha = sha256();
                // Not readNBytes: at a chunk's end it asks for 0 bytes more, and the JDK's chunked
                // stream then waits for the next chunk's header.
                byte[] first = new byte[FIRST];
                for (int got = 0, n; got < FIRST && (n = in.read(first, got, FIRST - got)) > 0; ) {
                    got += n;
                }
                sha.update(first);
                originHasFirstPart.countDown();
                long total = first.length;
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                    total += n;
                }
                byte[] answer = (total + " " + HexFormat.of().formatHex(sha.digest())).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        origin.createContext("/moved", exchange -> {
            // The whole body is read before the answer: the JDK's server reads at most 64 KB of an
            // unread body on close and then shuts the connection, so the rest of a larger body
            // arriving after that would reset it, at times before the client has read the 307.
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            exchange.getResponseHeaders().add("location", "/upload");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        origin.createContext("/gate", exchange -> {
            boolean open = Await.released(originHasFirstPart);
            gateTimedOut = !open;
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        origin.start();
        t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()),
                new ListenerLimits(75_000, 20_000, 20_000, 1024, 10_000, 256, 8));
        t.createNamespace("tenants");
        t.deploy("/workers/dispatch/namespaces/tenants/scripts/uploads", "{\"main_module\":\"u.js\"}", "u.js", """
                let stashed = null;
                const reads = [];
                export default { async fetch(request) {
                  const url = new URL(request.url);
                  if (url.pathname === '/reads') return new Response(reads.join(','));
                  if (url.pathname === '/read') {
                    reads.push('reading');
                    try { await request.arrayBuffer(); reads.push('whole'); }
                    catch (e) { reads.push(e.name); }
                    return new Response('read');
                  }
                  const to = url.searchParams.get('origin');
                  if (url.pathname === '/echo') return new Response(request.body);
                  if (url.pathname === '/forward') return fetch(to + '/upload', { method: 'POST', body: request.body });
                  if (url.pathname === '/moved') {
                    try { return await fetch(to + '/moved', { method: 'POST', body: request.body }); }
                    catch (e) { return new Response(e.name + ': ' + e.message, { status: 502 }); }
                  }
                  if (url.pathname === '/stash') { stashed = request; return new Response('kept'); }
                  if (url.pathname === '/replay') {
                    try { return await fetch(to + '/upload', { method: 'POST', body: stashed.body }); }
                    catch (e) { return new Response(e.name + ': ' + e.message, { status: 502 }); }
                  }
                  if (url.pathname === '/count') return new Response(String((await request.arrayBuffer()).byteLength));
                  if (url.pathname === '/own') {
                    const { readable, writable } = new TransformStream();
                    const writer = writable.getWriter();
                    (async () => {
                      await writer.write(new Uint8Array(%d).fill(97));
                      await fetch(to + '/gate');
                      for (let i = 0; i < 48; i++) await writer.write(new Uint8Array(64 * 1024).fill(i));
                      await writer.close();
                    })();
                    return fetch(to + '/upload', { method: 'POST', body: readable });
                  }
                  return new Response('unknown path', { status: 404 });
                } };""".formatted(FIRST));
        t.deploy("/workers/scripts/dispatcher", "{\"main_module\":\"d.js\",\"bindings\":["
                + "{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"}]}", "d.js", """
                export default { fetch(request, env) { return env.NS.get('uploads').fetch(request); } };""");
    }

    @AfterAll
    static void stop() {
        t.close();
        origin.stop(0);
    }



    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] part(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    private String originUrl() {
        return "http://localhost:" + origin.getAddress().getPort();
    }

    /** A connection to the worker listener that sends a chunked POST by hand. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;

        Client(String path) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), t.server.port());
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: dispatcher.localhost\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        void chunk(byte[] bytes) throws IOException {
            for (int from = 0; from < bytes.length; from += 32 * 1024) {
                int n = Math.min(32 * 1024, bytes.length - from);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes, from, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        }

        void end() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** The status line and headers, lower-cased. */
        String head() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("the response head").isNotNegative();
                head.write(b);
            }
            return head.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        }

        String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                assertThat(b).as("a chunk header").isNotNegative();
                line.append((char) b);
            }
            return line.toString().strip();
        }

        /** The next chunk of a chunked response body, or null at its end. */
        byte[] nextChunk() throws IOException {
            int size = Integer.parseInt(line().split(";")[0], 16);
            byte[] bytes = in.readNBytes(size);
            line();
            return size == 0 ? null : bytes;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void a_read_of_a_body_whose_client_went_away_fails_at_once() throws Exception {
        try (Client client = new Client("/read")) {
            client.chunk(part(FIRST, 3));
            Await.value(() -> reads().contains("reading") ? true : null, "the worker to start reading the body");
        } // the client goes away with the body unfinished
        // Without an answer the read would wait for the worker's wall-time limit (minutes).
        String reads = Await.value(() -> reads().contains(",") ? reads() : null, "the read to fail");
        assertThat(reads).isEqualTo("reading,TypeError");
    }

    private static String reads() {
        TestServer.Reply r = t.worker("GET", "dispatcher.localhost", "/reads", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void an_echo_through_the_dispatcher_answers_before_the_client_has_sent_the_rest() throws Exception {
        byte[] first = part(FIRST, 1);
        byte[] rest = part(REST, 7);
        try (Client client = new Client("/echo")) {
            client.chunk(first);
            assertThat(client.head()).startsWith("http/1.1 200").contains("transfer-encoding: chunked");
            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            echoed.write(client.nextChunk());
            // The rest goes only now: the first bytes came back before the body's end was sent.
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    client.chunk(rest);
                    client.end();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (byte[] chunk; (chunk = client.nextChunk()) != null; ) {
                echoed.write(chunk);
            }
            sender.join();
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            sent.write(first);
            sent.write(rest);
            assertThat(echoed.size()).isEqualTo(FIRST + REST);
            assertThat(echoed.toByteArray()).isEqualTo(sent.toByteArray());
        }
    }

    @Test
    void a_body_handed_to_fetch_reaches_the_origin_before_the_client_has_sent_the_rest() throws Exception {
        originHasFirstPart = new CountDownLatch(1);
        byte[] first = part(FIRST, 3);
        byte[] rest = part(REST, 5);
        try (Client client = new Client("/forward?origin=" + originUrl())) {
            client.chunk(first);
            assertThat(Await.released(originHasFirstPart)).as("the origin had the first part before the rest was sent").isTrue();
            client.chunk(rest);
            client.end();
            String head = client.head();
            assertThat(head).startsWith("http/1.1 200");
            MessageDigest sha = sha256();
            sha.update(first);
            sha.update(rest);
            String answer = new String(body(client, head), StandardCharsets.UTF_8);
            assertThat(answer).isEqualTo((FIRST + REST) + " " + HexFormat.of().formatHex(sha.digest()));
        }
    }

    @Test
    void a_stream_a_worker_makes_reaches_the_origin_as_the_worker_writes_it() throws Exception {
        originHasFirstPart = new CountDownLatch(1);
        gateTimedOut = false;
        TestServer.Reply reply = t.worker("GET", "dispatcher.localhost", "/own?origin=" + originUrl(), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        MessageDigest sha = sha256();
        byte[] first = new byte[FIRST];
        java.util.Arrays.fill(first, (byte) 97);
        sha.update(first);
        for (int i = 0; i < 48; i++) {
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) i);
            sha.update(chunk);
        }
        assertThat(gateTimedOut).as("the origin waited for the first part in vain").isFalse();
        assertThat(reply.body()).isEqualTo((FIRST + 48 * 64 * 1024) + " " + HexFormat.of().formatHex(sha.digest()));
    }

    @Test
    void a_body_longer_than_the_listener_takes_is_cut_with_a_413() throws Exception {
        // Declared too long: refused before the worker runs.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), t.server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /count HTTP/1.1\r\nHost: dispatcher.localhost\r\n"
                    + "Content-Length: " + (9L * 1024 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
        // Sent in chunks: cut once it passes the limit, while the worker reads it; the rest is let
        // through unread so that the client gets the answer.
        try (Client client = new Client("/count")) {
            for (int i = 0; i < 12; i++) {
                client.chunk(part(1024 * 1024, i));
            }
            client.end();
            String head = client.head();
            assertThat(head).startsWith("http/1.1 413");
            assertThat(new String(body(client, head), StandardCharsets.UTF_8)).contains("the limit is 8388608 bytes");
        }
        // The server is fine, and takes a body within the limit.
        try (Client client = new Client("/count")) {
            client.chunk(part(2 * 1024 * 1024, 9));
            client.end();
            String head = client.head();
            assertThat(head).startsWith("http/1.1 200");
            assertThat(new String(body(client, head), StandardCharsets.UTF_8)).isEqualTo(String.valueOf(2 * 1024 * 1024));
        }
    }

    @Test
    void a_redirect_that_would_send_a_streamed_body_again_fails_the_fetch() throws Exception {
        try (Client client = new Client("/moved?origin=" + originUrl())) {
            client.chunk(part(FIRST, 2));
            client.end();
            String head = client.head();
            assertThat(head).startsWith("http/1.1 502");
            assertThat(new String(body(client, head), StandardCharsets.UTF_8))
                    .startsWith("TypeError: The response redirects (307) with the request's body, which was a stream");
        }
    }

    @Test
    void a_body_kept_from_an_ended_request_cannot_be_sent_by_a_later_one() throws Exception {
        try (Client client = new Client("/stash")) {
            client.chunk(part(FIRST, 4));
            client.end();
            String head = client.head();
            assertThat(head).startsWith("http/1.1 200");
            assertThat(new String(body(client, head), StandardCharsets.UTF_8)).isEqualTo("kept");
        }
        TestServer.Reply replay = t.worker("GET", "dispatcher.localhost", "/replay?origin=" + originUrl(), null);
        assertThat(replay.status()).isEqualTo(502);
        assertThat(replay.body()).startsWith("TypeError: This body cannot be sent: it came in for another request");
    }

    /** The response body after {@code head}: Content-Length bytes, or chunks to the last. */
    private static byte[] body(Client client, String head) throws IOException {
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("content-length: (\\d+)").matcher(head);
        if (length.find()) {
            return client.in.readNBytes(Integer.parseInt(length.group(1)));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] chunk; (chunk = client.nextChunk()) != null; ) {
            body.write(chunk);
        }
        return body.toByteArray();
    }
}
