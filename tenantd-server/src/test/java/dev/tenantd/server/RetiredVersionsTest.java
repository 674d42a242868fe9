package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replaced or deleted version's isolate is closed as soon as no request is in it; one
 * that still serves a request (or its waitUntil work) stays open until that ends.
 */
class RetiredVersionsTest {
    @TempDir
    Path dir;

    static void awaitLive(TestServer t, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.server.platform().invoker().liveIsolates() != expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(t.server.platform().invoker().liveIsolates()).isEqualTo(expected);
    }

    /** Sends worker traffic without waiting for the answer. */
    static CompletableFuture<HttpResponse<String>> sendAsync(TestServer t, String host, String path) {
        return t.http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.port() + path))
                .header("Host", host).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void redeploys_and_deletes_return_their_isolates() {
        Limits limits = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 500, 100, 100);
        try (TestServer t = new TestServer(dir, List.of(), limits, EgressPolicy.OPEN)) {
            t.putModule(t.accountApi("/workers/scripts/site"), "{\"main_module\":\"a.js\"}", "a.js",
                    "export default { fetch() { return new Response('one'); } };");
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("one");
            awaitLive(t, 1);

            t.putModule(t.accountApi("/workers/scripts/site"), "{\"main_module\":\"a.js\"}", "a.js",
                    "export default { fetch() { return new Response('two'); } };");
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("two");
            awaitLive(t, 1);

            t.delete(t.accountApi("/workers/scripts/site"));
            awaitLive(t, 0);
            assertThat(t.worker("GET", "site.localhost", "/", null).status()).isEqualTo(404);
        }
    }

    /** Version {@code n}: {@code /hold} answers once the origin releases it; anything else at once. */
    private static String version(int n, String hold) {
        return "const V = 'v" + n + "';\n" + """
                export default { async fetch(request, env, ctx) {
                  const path = new URL(request.url).pathname;
                  if (path === '/hold') return new Response(V + ' ' + await (await fetch(HOLD)).text());
                  if (path === '/later') { ctx.waitUntil(fetch(HOLD)); return new Response(V + ' answered'); }
                  return new Response(V);
                } };""".replace("HOLD", "'" + hold + "'");
    }

    private static void upload(TestServer t, int n, String hold) {
        assertThat(t.putModule(t.accountApi("/workers/scripts/site"), "{\"main_module\":\"a.js\"}", "a.js",
                version(n, hold)).status()).isEqualTo(200);
    }

    @Test
    void replaced_versions_close_at_once_and_one_with_a_request_in_flight_serves_it_to_the_end() throws Exception {
        // The default grace period (300 s of wall time) is far beyond this test: only closing idle isolates at once passes.
        try (Origin origin = new Origin();
                TestServer t = new TestServer(dir, List.of(), Limits.defaults(),
                        new EgressPolicy(List.of("127.0.0.1"), List.of()))) {
            String hold = "http://127.0.0.1:" + origin.port() + "/hold";
            upload(t, 0, hold);
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("v0");
            CompletableFuture<HttpResponse<String>> held = sendAsync(t, "site.localhost", "/hold");
            origin.awaitHeld(1);

            for (int n = 1; n <= 20; n++) {
                upload(t, n, hold);
            }
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("v20");
            awaitLive(t, 2);
            assertThat(held).as("v0's request is still waiting for the origin").isNotDone();

            origin.releaseHeld();
            HttpResponse<String> answer = held.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("v0 released");
            awaitLive(t, 1);
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("v20");
        }
    }

    @Test
    void a_replaced_version_stays_open_while_its_wait_until_work_runs() throws Exception {
        try (Origin origin = new Origin();
                TestServer t = new TestServer(dir, List.of(), Limits.defaults(),
                        new EgressPolicy(List.of("127.0.0.1"), List.of()))) {
            String hold = "http://127.0.0.1:" + origin.port() + "/hold";
            upload(t, 0, hold);
            assertThat(t.worker("GET", "site.localhost", "/later", null).body()).isEqualTo("v0 answered");
            origin.awaitHeld(1);

            upload(t, 1, hold);
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("v1");
            awaitLive(t, 2);

            origin.releaseHeld();
            awaitLive(t, 1);
        }
    }
}
