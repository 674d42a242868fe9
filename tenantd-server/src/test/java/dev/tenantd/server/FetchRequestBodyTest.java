package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies a worker sends with {@code fetch()} as bytes reach the origin whole, with their length
 * declared, whatever their size against the pieces they are sent in, and again after a 307.
 */
class FetchRequestBodyTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static Vertx vertx;
    static HttpServer origin;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/moved")) {
                request.response().setStatusCode(307).putHeader("location", "/digest").end();
                return;
            }
            String length = request.getHeader("content-length");
            request.body().onSuccess(body -> {
                try {
                    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
                    request.response().end(length + " " + body.length() + " " + digest);
                } catch (Exception e) {
                    request.response().setStatusCode(500).end(e.toString());
                }
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()));
        assertThat(t.putModule(t.accountApi("/workers/scripts/sender"), "{\"main_module\":\"w.js\"}", "w.js", """
                export default { async fetch(request) {
                  const q = new URL(request.url).searchParams;
                  const n = Number(q.get('n'));
                  const body = new Uint8Array(n);
                  for (let i = 0; i < n; i++) body[i] = (i * 13 + (i >> 16)) & 0xff;
                  const answer = await fetch(q.get('to'), { method: 'POST', body });
                  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
                  return new Response(await answer.text() + ' ' + [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''));
                } };""").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static void sends(int n, String path) {
        String to = "http://localhost:" + origin.actualPort() + path;
        String reply = t.worker("GET", "sender.localhost", "/?n=" + n + "&to=" + java.net.URLEncoder.encode(to,
                java.nio.charset.StandardCharsets.UTF_8), null).body();
        String[] parts = reply.split(" ");
        assertThat(parts).as(reply).hasSize(4);
        assertThat(parts[0]).as("declared length, n=" + n).isEqualTo(Integer.toString(n));
        assertThat(parts[1]).as("received length, n=" + n).isEqualTo(Integer.toString(n));
        assertThat(parts[2]).as("the origin's digest is the worker's, n=" + n).isEqualTo(parts[3]);
    }

    @Test
    void bodies_of_any_size_reach_the_origin_whole() {
        for (int n : new int[] {1, 65_536, 65_537, 3_000_001}) {
            sends(n, "/digest");
        }
    }

    @Test
    void a_large_body_is_sent_again_after_a_307() {
        sends(1_000_003, "/moved");
    }
}
