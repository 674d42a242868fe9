package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With more workers in use than live isolates, the least recently used isolate is evicted; an
 * evicted isolate finishes what it runs (a response it is still streaming), and isolates that
 * requests hold are evicted only after every idle one.
 */
class EvictionTest {
    /** Room for two live isolates. */
    private static final Limits TWO_LIVE = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 300_000,
            2, 100);

    @TempDir
    Path dir;

    private static TestServer server(Path dir) {
        return new TestServer(dir, List.of(), TWO_LIVE, new EgressPolicy(List.of("127.0.0.1"), List.of()));
    }

    private static void plain(TestServer t, String name) {
        assertThat(t.putModule(t.accountApi("/workers/scripts/" + name), "{\"main_module\":\"a.js\"}", "a.js",
                "export default { fetch() { return new Response('" + name + "'); } };").status()).isEqualTo(200);
    }

    /** A worker whose response's first line goes out at once, its second once the origin answers, after the handler returned. */
    private static void streaming(TestServer t, String name, String hold) {
        assertThat(t.putModule(t.accountApi("/workers/scripts/" + name), "{\"main_module\":\"a.js\"}", "a.js", """
                export default { fetch() {
                  const { readable, writable } = new TransformStream();
                  const writer = writable.getWriter();
                  const encoder = new TextEncoder();
                  (async () => {
                    await writer.write(encoder.encode('first\\n'));
                    const text = await (await fetch(HOLD)).text();
                    await writer.write(encoder.encode(text + '\\n'));
                    await writer.close();
                  })();
                  return new Response(readable);
                } };""".replace("HOLD", "'" + hold + "'")).status()).isEqualTo(200);
    }

    /** Requests {@code host} and reads the first line of its streamed answer. */
    private static BufferedReader firstLineOf(TestServer t, String host) throws Exception {
        HttpResponse<InputStream> streaming = t.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + t.server.port() + "/")).header("Host", host).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(streaming.statusCode()).isEqualTo(200);
        BufferedReader body = new BufferedReader(new InputStreamReader(streaming.body(), StandardCharsets.UTF_8));
        assertThat(body.readLine()).isEqualTo("first");
        return body;
    }

    @Test
    void a_response_still_streaming_when_its_isolate_is_evicted_reaches_its_end() throws Exception {
        try (Origin origin = new Origin(); TestServer t = server(dir)) {
            String hold = "http://127.0.0.1:" + origin.port() + "/hold";
            streaming(t, "stream", hold);
            plain(t, "a");
            plain(t, "b");
            long evictedBefore = t.server.platform().invoker().isolatesEvicted();

            BufferedReader body = firstLineOf(t, "stream.localhost");
            origin.awaitHeld(1);

            // Two other workers need the room: the streaming worker's isolate is the least recently used.
            assertThat(t.worker("GET", "a.localhost", "/", null).body()).isEqualTo("a");
            assertThat(t.worker("GET", "b.localhost", "/", null).body()).isEqualTo("b");
            assertThat(t.server.platform().invoker().isolatesEvicted()).as("isolates evicted")
                    .isGreaterThanOrEqualTo(evictedBefore + 1);

            origin.releaseHeld();
            assertThat(body.readLine()).isEqualTo("released");
            assertThat(body.readLine()).as("the end of the body").isNull();
            // Once its response is over, the evicted isolate closes: two live ones are left.
            RetiredVersionsTest.awaitLive(t, 2);
        }
    }

    @Test
    void isolates_that_requests_hold_are_evicted_after_the_idle_ones() throws Exception {
        try (Origin origin = new Origin(); TestServer t = server(dir)) {
            String hold = "http://127.0.0.1:" + origin.port() + "/hold";
            assertThat(t.putModule(t.accountApi("/workers/scripts/slow"), "{\"main_module\":\"a.js\"}", "a.js",
                    "export default { async fetch() { return new Response('slow ' + await (await fetch('" + hold
                            + "')).text()); } };").status()).isEqualTo(200);
            plain(t, "a");
            plain(t, "b");

            CompletableFuture<HttpResponse<String>> slow = RetiredVersionsTest.sendAsync(t, "slow.localhost", "/");
            origin.awaitHeld(1);
            // slow's isolate is the least recently used, but its request holds it: a's goes instead.
            assertThat(t.worker("GET", "a.localhost", "/", null).body()).isEqualTo("a");
            assertThat(t.worker("GET", "b.localhost", "/", null).body()).isEqualTo("b");
            assertThat(slow).as("slow's request still waits for the origin").isNotDone();

            origin.releaseHeld();
            HttpResponse<String> answer = slow.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("slow released");
        }
    }

    @Test
    void a_request_whose_isolate_is_evicted_while_it_loads_is_still_served() throws Exception {
        Limits oneLive = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 5_000, 128 * 1024, 300_000, 1, 100);
        try (TestServer t = new TestServer(dir, List.of(), oneLive, EgressPolicy.OPEN)) {
            // Top-level code that takes a while: the isolate is loading for that long.
            assertThat(t.putModule(t.accountApi("/workers/scripts/heavy"), "{\"main_module\":\"a.js\"}", "a.js", """
                    let sum = 0;
                    for (let i = 0; i < 300000000; i++) sum = (sum + i) % 1000003;
                    export default { fetch() { return new Response('heavy ' + (sum >= 0)); } };""").status()).isEqualTo(200);
            plain(t, "a"); // its upload evicts heavy's isolate
            long started = t.server.platform().invoker().isolatesStarted();
            CompletableFuture<HttpResponse<String>> heavy = RetiredVersionsTest.sendAsync(t, "heavy.localhost", "/");
            Await.value(() -> t.server.platform().invoker().isolatesStarted() > started ? true : null,
                    "heavy's isolate to start loading");
            // With room for one, a's request evicts heavy's isolate while it loads and its request holds it.
            assertThat(t.worker("GET", "a.localhost", "/", null).body()).isEqualTo("a");
            assertThat(heavy).as("heavy's top-level code still runs").isNotDone();
            HttpResponse<String> answer = heavy.get(60, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("heavy true");
        }
    }

    @Test
    void evicted_isolates_still_finishing_number_at_most_the_live_ones_and_the_oldest_closes_first() throws Exception {
        try (Origin origin = new Origin(); TestServer t = server(dir)) {
            String hold = "http://127.0.0.1:" + origin.port() + "/hold";
            for (String name : List.of("s1", "s2", "s3")) {
                streaming(t, name, hold);
            }
            plain(t, "a");
            plain(t, "b");
            List<BufferedReader> bodies = new java.util.ArrayList<>();
            for (String name : List.of("s1", "s2", "s3")) {
                bodies.add(firstLineOf(t, name + ".localhost"));
            }
            origin.awaitHeld(3);
            // Each request evicts one of the three streaming isolates; with room for two live ones, at
            // most two evicted ones may finish their responses: s1, evicted first, is closed.
            assertThat(t.worker("GET", "a.localhost", "/", null).body()).isEqualTo("a");
            assertThat(t.worker("GET", "b.localhost", "/", null).body()).isEqualTo("b");
            assertThat(t.server.platform().invoker().liveIsolates()).as("open isolates").isLessThanOrEqualTo(4);

            origin.releaseHeld();
            assertThatThrownBy(() -> {
                String line = bodies.get(0).readLine();
                assertThat(line).as("s1's response after its isolate closed").isNotEqualTo("released");
                bodies.get(0).readLine();
            }).as("s1's response breaks off").isInstanceOf(java.io.IOException.class);
            for (BufferedReader body : bodies.subList(1, 3)) {
                assertThat(body.readLine()).isEqualTo("released");
                assertThat(body.readLine()).isNull();
            }
        }
    }
}
