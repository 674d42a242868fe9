package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content-Encoding end to end, over real sockets: a worker fetches from a loopback origin
 * that answers gzip, reads it decoded or hands it on, and the server sends each client the
 * coding it accepts.
 */
class ContentEncodingEndToEndTest {
    private static final String TEXT = "<p>a gzipped page from the origin</p>\n".repeat(500);
    private static final byte[] TEXT_GZIP = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
    private static final long BOMB_SIZE = 256L * 1024 * 1024;
    private static final List<String> ACCEPT_ENCODINGS = new CopyOnWriteArrayList<>();
    private static HttpServer origin;
    private static byte[] bomb;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOrigin() throws IOException {
        bomb = gzipOfZeros(BOMB_SIZE);
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.createContext("/page", exchange -> {
            ACCEPT_ENCODINGS.add(String.valueOf(exchange.getRequestHeaders().getFirst("Accept-Encoding")));
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, TEXT_GZIP.length);
            exchange.getResponseBody().write(TEXT_GZIP);
            exchange.close();
        });
        origin.createContext("/bomb", exchange -> {
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, bomb.length);
            exchange.getResponseBody().write(bomb);
            exchange.close();
        });
        origin.start();
    }

    @AfterAll
    static void stopOrigin() {
        origin.stop(0);
    }

    static final String WORKER = """
            export default { async fetch(request) {
              const url = new URL(request.url);
              if (url.pathname === '/html') {
                return new Response('<li>an item of a long list</li>\\n'.repeat(200),
                  { headers: { 'content-type': 'text/html', etag: url.searchParams.get('etag') ?? '"v1"' } });
              }
              if (url.pathname === '/long') {
                let page = '';
                for (let i = 0; i < 20000; i++) page += '<li>item ' + i + '</li>\\n';
                return new Response(page, { headers: { 'content-type': 'text/html' } });
              }
              if (url.pathname === '/random-gz') {
                const raw = new Uint8Array(300000);
                for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, Math.min(i + 65536, raw.length)));
                const gz = await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
                const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', raw))]
                  .map((b) => b.toString(16).padStart(2, '0')).join('');
                return new Response(gz, { encodeBody: 'manual', headers: { 'content-encoding': 'gzip', 'x-sha': sha } });
              }
              if (url.pathname === '/png') {
                return new Response(new Uint8Array(4096), { headers: { 'content-type': 'image/png' } });
              }
              const res = await fetch(url.searchParams.get('u'));
              if (url.pathname === '/read') return new Response(res.headers.get('content-encoding') + ' ' + await res.text());
              return res;
            } };""";

    private static HttpResponse<byte[]> call(TestServer t, String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.port() + path))
                .header("Host", "gz.localhost").timeout(Duration.ofSeconds(60));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String page() {
        return "/?u=" + URLEncoder.encode("http://localhost:" + origin.getAddress().getPort() + "/page", StandardCharsets.UTF_8);
    }

    private TestServer server() {
        TestServer t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()));
        t.putModule(t.accountApi("/workers/scripts/gz"), "{\"main_module\":\"w.js\"}", "w.js", WORKER);
        return t;
    }

    @Test
    void a_worker_reads_a_gzipped_answer_decoded_and_the_origin_was_asked_for_gzip() throws Exception {
        try (TestServer t = server()) {
            HttpResponse<byte[]> r = call(t, "/read" + page().substring(1), null);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("gzip " + TEXT);
            assertThat(ACCEPT_ENCODINGS).contains("gzip");
        }
    }

    @Test
    void a_gzipped_answer_handed_on_reaches_each_client_in_the_coding_it_accepts() throws Exception {
        try (TestServer t = server()) {
            HttpResponse<byte[]> gzipped = call(t, page(), "gzip, deflate, br");
            assertThat(gzipped.headers().firstValue("content-encoding")).contains("gzip");
            assertThat(gzipped.body()).isEqualTo(TEXT_GZIP);

            HttpResponse<byte[]> plain = call(t, page(), null);
            assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
            assertThat(new String(plain.body(), StandardCharsets.UTF_8)).isEqualTo(TEXT);

            HttpResponse<byte[]> refused = call(t, page(), "gzip;q=0, identity");
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
        }
    }

    @Test
    void a_plain_compressible_response_is_gzipped_for_a_client_that_accepts_gzip() throws Exception {
        try (TestServer t = server()) {
            String html = "<li>an item of a long list</li>\n".repeat(200);
            HttpResponse<byte[]> gzipped = call(t, "/html", "gzip");
            assertThat(gzipped.headers().firstValue("content-encoding")).contains("gzip");
            assertThat(gzipped.headers().firstValue("vary")).contains("Accept-Encoding");
            assertThat(gzipped.body().length).isLessThan(html.length() / 10);
            assertThat(gunzip(gzipped.body())).isEqualTo(html);

            // Its bytes are not the ones a strong validator named: it goes on weak, as on Cloudflare.
            assertThat(gzipped.headers().firstValue("etag")).contains("W/\"v1\"");
            assertThat(call(t, "/html?etag=" + URLEncoder.encode("W/\"v2\"", StandardCharsets.UTF_8), "gzip").headers()
                    .firstValue("etag")).contains("W/\"v2\"");

            HttpResponse<byte[]> asIs = call(t, "/html", null);
            assertThat(new String(asIs.body(), StandardCharsets.UTF_8)).isEqualTo(html);
            assertThat(asIs.headers().firstValue("etag")).contains("\"v1\"");
            HttpResponse<byte[]> png = call(t, "/png", "gzip");
            assertThat(png.headers().firstValue("content-encoding")).isEmpty();
            assertThat(png.body()).hasSize(4096);
        }
    }

    @Test
    void whole_bodies_larger_than_a_piece_are_coded_piece_by_piece_both_ways() throws Exception {
        try (TestServer t = server()) {
            StringBuilder page = new StringBuilder();
            for (int i = 0; i < 20000; i++) {
                page.append("<li>item ").append(i).append("</li>\n");
            }
            HttpResponse<byte[]> gzipped = call(t, "/long", "gzip");
            assertThat(gzipped.headers().firstValue("content-encoding")).contains("gzip");
            assertThat(gunzip(gzipped.body())).isEqualTo(page.toString());
            // 300 KB of random bytes, gzipped by the worker: decoded for a client without gzip
            HttpResponse<byte[]> decoded = call(t, "/random-gz", null);
            assertThat(decoded.headers().firstValue("content-encoding")).isEmpty();
            assertThat(decoded.body()).hasSize(300000);
            assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(decoded.body()))).isEqualTo(decoded.headers().firstValue("x-sha").orElseThrow());
        }
    }

    @Test
    void a_gzip_bomb_handed_on_to_a_client_without_gzip_streams_through_in_pieces() throws Exception {
        try (TestServer t = server()) {
            String path = "/?u=" + URLEncoder.encode("http://localhost:" + origin.getAddress().getPort() + "/bomb",
                    StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.port() + path))
                    .header("Host", "gz.localhost").timeout(Duration.ofSeconds(120)).build();
            HttpResponse<InputStream> r = t.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long total = 0;
            try (InputStream in = r.body()) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                }
            }
            assertThat(r.headers().firstValue("content-encoding")).isEmpty();
            assertThat(total).isEqualTo(BOMB_SIZE);
            // The server is still answering.
            assertThat(new String(call(t, "/html", null).body(), StandardCharsets.UTF_8)).startsWith("<li>");
        }
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static byte[] gzipOfZeros(long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        Deflater deflater = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        CRC32 crc = new CRC32();
        for (long left = size; left > 0; left -= zeros.length) {
            deflater.setInput(zeros);
            crc.update(zeros);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        long c = crc.getValue();
        out.writeBytes(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
        return out.toByteArray();
    }
}
