package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body a worker streams with a Content-Length of its own is held to it. Sent on a connection to
 * an origin, bytes past the length would be read as a further request of the worker's making (to
 * any virtual host of that origin), whose answer the next exchange on the pooled connection, maybe
 * another tenant's, would take for its own.
 */
class DeclaredLengthTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static Vertx vertx;
    static HttpServer origin;
    static final Queue<String> seen = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = vertx.createHttpServer().requestHandler(request -> {
            seen.add(request.path());
            request.body().onSuccess(body -> request.response().end(request.path() + " got " + body));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()));
        t.deploy("/workers/scripts/liar", "{\"main_module\":\"w.js\"}", "w.js", """
                const bytes = (text) => new TextEncoder().encode(text);
                const streamOf = (text) => new ReadableStream({ start(c) { c.enqueue(bytes(text)); c.close(); } });
                export default { async fetch(request) {
                  const q = new URL(request.url).searchParams;
                  const origin = q.get('origin');
                  let first;
                  try {
                    const r = await fetch(origin + '/first', { method: 'POST', headers: { 'content-length': q.get('length') },
                        body: streamOf(q.get('body')), duplex: 'half' });
                    first = await r.text();
                  } catch (e) {
                    first = 'refused: ' + e.message;
                  }
                  const next = await (await fetch(origin + '/next')).text();
                  return new Response(first + ' | ' + next);
                } };""");
        t.deploy("/workers/scripts/relay", "{\"main_module\":\"r.js\"}", "r.js", """
                export default { async fetch(request) {
                  const r = await fetch(new URL(request.url).searchParams.get('origin') + '/first');
                  const twice = new TransformStream({ transform(chunk, out) { out.enqueue(chunk); out.enqueue(chunk); } });
                  return new Response(r.body.pipeThrough(twice), r);
                } };""");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static String send(String length, String body) {
        String query = "origin=" + enc("http://localhost:" + origin.actualPort()) + "&length=" + length + "&body=" + enc(body);
        return t.worker("GET", "liar.localhost", "/?" + query, null).body();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void bytes_past_the_declared_length_never_reach_the_origin_as_a_request_of_their_own() {
        seen.clear();
        String reply = send("3", "a=1GET /smuggled HTTP/1.1\r\nHost: another.example\r\n\r\n");

        assertThat(reply).startsWith("refused: ").contains("longer than the 3 bytes its Content-Length header says")
                .endsWith(" | /next got ");
        assertThat(seen).as("the origin saw the worker's next request after anything sent before it").contains("/next")
                .doesNotContain("/smuggled");
    }

    @Test
    void the_worker_that_sent_too_much_is_done_once_it_answered() {
        send("3", "a=1 and more than three bytes");
        // its stream is cancelled: nothing keeps the invocation in flight until its wall time
        dev.tenantd.platform.ScriptRef liar = dev.tenantd.platform.ScriptRef.plain(TestServer.ACCOUNT, "liar");
        Await.value(() -> t.server.platform().invoker().inFlight(liar) == 0 ? Boolean.TRUE : null,
                "the invocation ended");
    }

    @Test
    void a_response_passed_on_with_its_origins_length_and_a_body_of_another_is_served_whole() {
        // The origin's Content-Length describes its body, not the one the worker makes of it.
        String reply = t.worker("GET", "relay.localhost", "/?origin=" + enc("http://localhost:" + origin.actualPort()), null)
                .body();
        assertThat(reply).isEqualTo("/first got /first got ");
    }

    @Test
    void a_body_shorter_than_its_declared_length_fails_instead_of_leaving_the_origin_waiting() {
        assertThat(send("100", "abc")).startsWith("refused: ").contains("ended after 3 of the 100 bytes")
                .endsWith(" | /next got ");
    }

    @Test
    void a_body_of_its_declared_length_is_sent() {
        assertThat(send("3", "abc")).isEqualTo("/first got abc | /next got ");
    }
}
