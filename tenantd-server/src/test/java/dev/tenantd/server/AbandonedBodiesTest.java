package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streamed body that nobody will read is let go at once, so that its sender stops: here an
 * origin that writes an endless body sees its connection end (it would otherwise write into a
 * full socket until an idle timeout a minute later, holding a connection of the server's pool).
 */
class AbandonedBodiesTest {
    @TempDir
    Path dir;
    TestServer t;
    HttpServer origin;
    /** Counted down when a write of the endless body fails: the server let go of it. */
    final CountDownLatch endlessCut = new CountDownLatch(1);
    /** Released by the test: the origin's answer on /late waits for it. */
    final CountDownLatch answerLate = new CountDownLatch(1);
    /** Counted down when the origin has the request for /late. */
    final CountDownLatch lateAsked = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setExecutor(Executors.newCachedThreadPool());
        origin.createContext("/endless", exchange -> endless(exchange, null));
        origin.createContext("/late", exchange -> {
            lateAsked.countDown();
            endless(exchange, answerLate);
        });
        // answers once the origin has the request for /late, so that the worker's response comes after it
        origin.createContext("/asked", exchange -> {
            byte[] ok = (Await.released(lateAsked) ? "asked" : "never asked").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ok);
            }
        });
        origin.start();
        // Only localhost may be fetched: a fetch of any other host fails at the egress policy.
        t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()));
        t.deploy("/workers/scripts/relay", "{\"main_module\":\"r.js\"}", "r.js", """
                export default { async fetch(request) {
                  const url = new URL(request.url);
                  const to = url.searchParams.get('origin');
                  if (url.pathname === '/blocked') {
                    const answer = await fetch(to + '/endless');
                    try {
                      await fetch('http://blocked.example/', { method: 'POST', body: answer.body });
                      return new Response('sent');
                    } catch (e) {
                      return new Response('refused: ' + e.message);
                    }
                  }
                  if (url.pathname === '/unawaited') {
                    fetch(to + '/late').catch(() => {});
                    return new Response('left behind, ' + await (await fetch(to + '/asked')).text());
                  }
                  return new Response('unknown path', { status: 404 });
                } };""");
    }

    @AfterEach
    void stop() {
        answerLate.countDown();
        t.close();
        origin.stop(0);
    }

    /** Writes 16 KB chunks until a write fails (after {@code wait} is released, if given). */
    private void endless(com.sun.net.httpserver.HttpExchange exchange, CountDownLatch wait) throws IOException {
        if (wait != null && !Await.released(wait)) {
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException e) {
            endlessCut.countDown();
        }
    }

    private String originUrl() {
        return "http://localhost:" + origin.getAddress().getPort();
    }

    @Test
    void a_streamed_body_handed_to_a_fetch_that_is_refused_is_let_go() {
        TestServer.Reply r = t.worker("GET", "relay.localhost", "/blocked?origin=" + originUrl(), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("refused: ");
        assertThat(Await.released(endlessCut)).as("the origin's connection ended once the fetch was refused").isTrue();
    }

    @Test
    void a_fetch_left_unawaited_is_let_go_with_its_invocation_before_its_answer_comes() {
        // The origin has the request when the worker answers; the fetch is cancelled as the
        // invocation ends, and the origin's answer, which comes later, finds no reader.
        TestServer.Reply r = t.worker("GET", "relay.localhost", "/unawaited?origin=" + originUrl(), null);
        assertThat(r.body()).isEqualTo("left behind, asked");
        int open = t.server.platform().invoker().liveIsolates();
        // A new version: the old isolate, idle (its invocation over, its fetch never awaited), closes.
        t.deploy("/workers/scripts/relay", "{\"main_module\":\"r.js\"}", "r.js",
                "export default { fetch() { return new Response('v2'); } };");
        Await.value(() -> t.server.platform().invoker().liveIsolates() <= open ? true : null,
                "the old version's isolate to close");
        answerLate.countDown();
        assertThat(Await.released(endlessCut)).as("the origin's connection ended: its answer had no reader").isTrue();
    }
}
