package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed bodies whose length is known go out with a Content-Length rather than in chunks: a
 * FixedLengthStream's, as on Workers, both as a response and as a fetch() body, and an origin's
 * streamed answer handed on unread.
 */
class KnownLengthStreamsTest {
    @TempDir
    Path dir;

    @Test
    void fixed_length_streams_and_handed_on_answers_carry_their_length() throws Exception {
        List<String> uploads = new CopyOnWriteArrayList<>();
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.createContext("/upload", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            uploads.add(exchange.getRequestHeaders().getFirst("content-length") + " "
                    + exchange.getRequestHeaders().getFirst("transfer-encoding") + " " + new String(body, StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        origin.createContext("/download", exchange -> {
            byte[] body = "x".repeat(200_000).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                for (int at = 0; at < body.length; at += 50_000) {
                    out.write(body, at, 50_000);
                    out.flush();
                }
            }
            exchange.close();
        });
        origin.start();
        String to = "http://localhost:" + origin.getAddress().getPort();
        try (TestServer t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()))) {
            t.deploy("/workers/scripts/sized", "{\"main_module\":\"w.js\"}", "w.js", """
                    async function fill(writable, parts) {
                      const writer = writable.getWriter();
                      for (const part of parts) await writer.write(new TextEncoder().encode(part));
                      await writer.close();
                    }
                    export default { async fetch(request, env, ctx) {
                      const path = new URL(request.url).pathname;
                      if (path === '/fixed') {
                        const { readable, writable } = new FixedLengthStream(11);
                        ctx.waitUntil(fill(writable, ['hello', ' ', 'world']));
                        return new Response(readable);
                      }
                      if (path === '/upload') {
                        const { readable, writable } = new FixedLengthStream(6);
                        const sent = fetch('%1$s/upload', { method: 'POST', body: readable });
                        await fill(writable, ['up', 'load']);
                        return new Response(String((await sent).status));
                      }
                      if (path === '/download') return fetch('%1$s/download');
                      const { readable, writable } = new IdentityTransformStream();
                      ctx.waitUntil(fill(writable, ['of', ' unknown', ' length']));
                      return new Response(readable);
                    } };""".formatted(to));
            try (RawHttp http = RawHttp.connect(t.server.port())) {
                RawHttp.Response fixed = http.get("sized.localhost", "/fixed").response();
                assertThat(fixed.headers()).containsEntry("content-length", "11").doesNotContainKey("transfer-encoding");
                assertThat(fixed.body()).isEqualTo("hello world");

                RawHttp.Response download = http.get("sized.localhost", "/download").response();
                assertThat(download.headers()).containsEntry("content-length", "200000").doesNotContainKey("transfer-encoding");
                assertThat(download.body()).hasSize(200_000);
            }
            assertThat(t.worker("GET", "sized.localhost", "/upload", null).body()).isEqualTo("204");
            assertThat(uploads).containsExactly("6 null upload");
            TestServer.Reply unknown = t.worker("GET", "sized.localhost", "/identity", null);
            assertThat(unknown.body()).isEqualTo("of unknown length");
            assertThat(unknown.headers().firstValue("content-length")).isEmpty();
        } finally {
            origin.stop(0);
        }
    }
}
