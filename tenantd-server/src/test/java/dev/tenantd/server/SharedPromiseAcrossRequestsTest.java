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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A promise one request starts and a concurrent request awaits too (a configuration fetched
 * once, kept in module state): the second request's code after its await runs in the turn that
 * settled the promise, the first request's, but as its own request: a fetch() it makes there is
 * its own, and its answer reaches it whole after the first request has ended.
 */
class SharedPromiseAcrossRequestsTest {
    @TempDir
    Path dir;

    @Test
    void an_answer_that_came_whole_reaches_the_code_that_awaited_it() throws Exception {
        TestServer.Reply[] replies = firstAndSecond("");
        assertThat(replies[0].body()).isEqualTo("data");
        assertThat(replies[1].status()).isEqualTo(200);
        assertThat(replies[1].body()).isEqualTo("data");
    }

    @Test
    void a_streamed_answer_fetched_after_the_await_reaches_its_request_after_the_settling_one_ended() throws Exception {
        TestServer.Reply[] replies = firstAndSecond("?streamed");
        assertThat(replies[0].body()).isEqualTo("data, streamed");
        assertThat(replies[1].status()).isEqualTo(200);
        assertThat(replies[1].body()).isEqualTo("data, streamed");
    }

    /** The answers to two requests that await one promise, the first of them the one that made it. */
    private TestServer.Reply[] firstAndSecond(String query) throws Exception {
        CountDownLatch configAsked = new CountDownLatch(1);
        CountDownLatch secondAwaits = new CountDownLatch(1);
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setExecutor(Executors.newCachedThreadPool());
        origin.createContext("/config", exchange -> {
            // Answered once the second request awaits the same promise.
            configAsked.countDown();
            Await.released(secondAwaits);
            byte[] config = "config".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, config.length);
            exchange.getResponseBody().write(config);
            exchange.close();
        });
        origin.createContext("/awaiting", exchange -> {
            secondAwaits.countDown();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        origin.createContext("/data", exchange -> {
            // Whole at once; or /data?streamed: the first part, then the rest a moment later.
            boolean streamed = exchange.getRequestURI().getQuery() != null;
            exchange.sendResponseHeaders(200, streamed ? 0 : 4);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                out.write("data".getBytes(StandardCharsets.UTF_8));
                if (streamed) {
                    out.flush();
                    Thread.sleep(100);
                    out.write(", streamed".getBytes(StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        origin.start();
        String to = "http://localhost:" + origin.getAddress().getPort();
        try (TestServer t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()))) {
            t.deploy("/workers/scripts/shared", "{\"main_module\":\"w.js\"}", "w.js", """
                    let config;
                    export default { async fetch(request) {
                      if (config === undefined) {
                        config = fetch('%1$s/config').then((r) => r.text());
                      } else {
                        fetch('%1$s/awaiting'); // the await below is in place before this is answered
                      }
                      await config;
                      const answer = await fetch('%1$s/data' + new URL(request.url).search);
                      // Some 150-900 ms of work in the turn that ends the first request, while the
                      // answer to the second one's fetch() comes in.
                      let x = 0;
                      for (let i = 0; i < 3e8; i++) x = (x + i) | 0;
                      return x === 0.5 ? null : answer;
                    } };""".formatted(to));
            CompletableFuture<TestServer.Reply> first = CompletableFuture.supplyAsync(() -> t.worker("GET", "shared.localhost", "/" + query, null));
            assertThat(Await.released(configAsked)).as("the first request under way").isTrue();
            TestServer.Reply second = t.worker("GET", "shared.localhost", "/" + query, null);
            return new TestServer.Reply[] {first.get(60, TimeUnit.SECONDS), second};
        } finally {
            origin.stop(0);
        }
    }
}
