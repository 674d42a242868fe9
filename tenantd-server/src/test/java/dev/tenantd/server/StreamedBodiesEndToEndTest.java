package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies stream end to end over real sockets: origin → fetch() in a user worker → dispatch
 * worker → client, and a worker's own ReadableStream → client. Each test's origin or worker
 * holds the rest of a body back until the client has seen its first bytes, so a server that
 * buffered a whole body would never answer.
 */
class StreamedBodiesEndToEndTest {
    private static final String FIRST = "<html><body><a href=\"/first\">first</a>\n";
    private static final String REST_LINE = "<p>more of the page, with <a href=\"/x\">a link</a></p>\n";
    private static final int REST_LINES = 20_000;

    @TempDir
    static Path dir;
    static TestServer t;
    static HttpServer origin;
    static volatile CountDownLatch clientHasFirstBytes = new CountDownLatch(1);
    static volatile CountDownLatch gate = new CountDownLatch(1);

    @BeforeAll
    static void start() throws IOException {
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setExecutor(Executors.newCachedThreadPool());
        // The page's first line, then nothing more until the test says the client has it.
        origin.createContext("/page", exchange -> {
            exchange.getResponseHeaders().add("content-type", "text/html");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(FIRST.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!Await.released(clientHasFirstBytes)) {
                    // The client never saw the first line: the page ends cut off, and the test fails.
                    exchange.close();
                    return;
                }
                byte[] line = REST_LINE.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < REST_LINES; i++) {
                    out.write(line);
                }
                out.write("</body></html>\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        origin.createContext("/gate", exchange -> {
            byte[] ok = (Await.released(gate) ? "open" : "timed out").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ok);
            }
        });
        origin.start();
        t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()));
        t.createNamespace("tenants");
        t.deploy("/workers/dispatch/namespaces/tenants/scripts/pages", "{\"main_module\":\"u.js\"}", "u.js", """
                let pulls = 0, cancelled = '';
                export default { async fetch(request) {
                  const url = new URL(request.url);
                  const from = url.searchParams.get('origin');
                  if (url.pathname === '/as-is') return fetch(from + '/page');
                  if (url.pathname === '/rewritten') {
                    return new HTMLRewriter().on('a[href]', { element(e) { e.setAttribute('href', 'https://cdn.example' + e.getAttribute('href')); } })
                      .transform(await fetch(from + '/page'));
                  }
                  if (url.pathname === '/events') {
                    const { readable, writable } = new TransformStream();
                    const writer = writable.getWriter();
                    const encode = (s) => new TextEncoder().encode(s);
                    (async () => {
                      await writer.write(encode('data: one\\n\\n'));
                      await fetch(from + '/gate');
                      await writer.write(encode('data: two\\n\\n'));
                      await writer.close();
                    })();
                    return new Response(readable, { headers: { 'content-type': 'text/event-stream' } });
                  }
                  if (url.pathname === '/state') return new Response(pulls + ' ' + cancelled);
                  return new Response(new ReadableStream({
                    pull(c) { pulls++; c.enqueue(new Uint8Array(256 * 1024).fill(120)); },
                    cancel() { cancelled = 'cancelled'; },
                  }, { highWaterMark: 0 }), { headers: { 'content-type': 'application/octet-stream' } });
                } };""");
        t.deploy("/workers/scripts/dispatcher", "{\"main_module\":\"d.js\",\"bindings\":["
                + "{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"}]}", "d.js", """
                export default { fetch(request, env) { return env.NS.get('pages').fetch(request); } };""");
    }

    @AfterAll
    static void stop() {
        t.close();
        origin.stop(0);
    }



    private static HttpResponse<InputStream> open(String path, String acceptEncoding) throws Exception {
        String originUrl = "http://localhost:" + origin.getAddress().getPort();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.port() + path
                        + (path.contains("?") ? "&" : "?") + "origin=" + originUrl))
                .header("Host", "dispatcher.localhost").timeout(Duration.ofSeconds(60));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Reads from {@code in} until the text read so far contains {@code marker}. */
    private static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!seen.toString().contains(marker)) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String state() {
        return t.worker("GET", "dispatcher.localhost", "/state", null).body();
    }

    @Test
    void an_origin_page_handed_on_by_two_workers_reaches_the_client_before_the_origin_sent_its_end() throws Exception {
        clientHasFirstBytes = new CountDownLatch(1);
        HttpResponse<InputStream> response = open("/as-is", null);
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream in = response.body()) {
            assertThat(readUntil(in, "first</a>")).startsWith(FIRST.substring(0, 20));
            clientHasFirstBytes.countDown();
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).endsWith("</body></html>\n");
            assertThat(rest.split("<p>", -1)).hasSize(REST_LINES + 1);
        }
    }

    @Test
    void an_html_rewriter_rewrites_a_streamed_page_as_it_arrives() throws Exception {
        clientHasFirstBytes = new CountDownLatch(1);
        HttpResponse<InputStream> response = open("/rewritten", null);
        try (InputStream in = response.body()) {
            assertThat(readUntil(in, "first</a>")).contains("href=\"https://cdn.example/first\"");
            clientHasFirstBytes.countDown();
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).endsWith("</body></html>\n");
            assertThat(rest.split("href=\"https://cdn.example/x\"", -1)).hasSize(REST_LINES + 1);
        }
    }

    @Test
    void server_sent_events_reach_the_client_one_by_one_gzipped_or_not() throws Exception {
        for (String encoding : new String[] {null, "gzip"}) {
            gate = new CountDownLatch(1);
            HttpResponse<InputStream> response = open("/events", encoding);
            assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
            InputStream body = response.body();
            if (encoding != null) {
                assertThat(response.headers().firstValue("content-encoding")).contains("gzip");
                body = new java.util.zip.GZIPInputStream(body, 64);
            }
            try (InputStream in = body) {
                assertThat(readUntil(in, "data: one\n\n")).as("encoding " + encoding).isEqualTo("data: one\n\n");
                gate.countDown();
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: two\n\n");
            }
        }
    }

    @Test
    void a_client_that_reads_slowly_holds_the_worker_back_and_one_that_leaves_cancels_its_stream() throws Exception {
        HttpResponse<InputStream> response = open("/endless", null);
        InputStream in = response.body();
        assertThat(in.readNBytes(1024 * 1024)).hasSize(1024 * 1024);
        // The client stops reading: the worker is asked for more only until the buffers between fill up.
        int[] last = {-1};
        waitFor(() -> {
            int pulls = Integer.parseInt(state().split(" ")[0]);
            boolean settled = pulls == last[0];
            last[0] = pulls;
            if (!settled) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return settled;
        }, "the worker to stop being read while the client reads nothing");
        assertThat(last[0]).as("256 KiB chunks made while the client read 1 MiB").isLessThan(100);
        in.close();
        waitFor(() -> state().endsWith("cancelled"), "the stream of the client that left to be cancelled");
    }
}
