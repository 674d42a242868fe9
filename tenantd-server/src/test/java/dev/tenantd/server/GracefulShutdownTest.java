package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopping server (SIGTERM, as in a rolling restart) finishes what it is serving within its
 * grace: a request in flight gets its answer and its waitUntil work runs, while {@code /healthz}
 * says 503 and the worker listener takes no new connection.
 */
class GracefulShutdownTest {
    @TempDir
    Path dir;

    @Test
    void a_request_in_flight_is_answered_and_its_wait_until_work_runs_while_nothing_new_comes_in() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch afterwards = new CountDownLatch(1);
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        origin.createContext("/hold", exchange -> {
            arrived.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, "released");
        });
        origin.createContext("/after", exchange -> {
            afterwards.countDown();
            answer(exchange, "noted");
        });
        origin.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        origin.start();
        String base = "http://127.0.0.1:" + origin.getAddress().getPort();
        TestServer t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("127.0.0.1"), List.of()),
                ListenerLimits.defaults().withShutdownGraceMs(30_000));
        try {
            // A dispatch worker whose request, once the origin lets it go, calls a user worker not
            // loaded yet; the user worker answers and leaves waitUntil work behind.
            t.createNamespace("tenants");
            assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/late"),
                    "{\"main_module\":\"u.js\"}", "u.js", "export default { fetch(request, env, ctx) {\n"
                            + "  ctx.waitUntil(fetch('" + base + "/after').then((r) => r.text()));\n"
                            + "  return new Response('the user worker');\n"
                            + "} };").status()).isEqualTo(200);
            assertThat(t.putModule(t.accountApi("/workers/scripts/slow"), "{\"main_module\":\"w.js\",\"bindings\":"
                    + "[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"}]}", "w.js",
                    "export default { async fetch(request, env) {\n"
                            + "  const held = await (await fetch('" + base + "/hold')).text();\n"
                            + "  const user = await (await env.NS.get('late').fetch(request)).text();\n"
                            + "  return new Response('served ' + held + ' by ' + user);\n"
                            + "} };").status()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> inFlight = request(t, "slow.localhost");
            assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> t.server.close());
            Await.value(() -> healthz(t) == 503 ? true : null, "/healthz to say 503 while the server stops");
            Await.value(() -> refused(t.server.port()) ? true : null, "the worker listener to take no new connection");
            assertThat(inFlight).isNotDone();

            release.countDown();
            HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("served released by the user worker");
            assertThat(afterwards.await(30, TimeUnit.SECONDS)).as("the waitUntil work ran").isTrue();
            stopped.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            t.close();
            origin.stop(0);
        }
    }

    @Test
    void past_its_grace_what_is_left_is_cut_off_and_the_server_stops() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        origin.createContext("/arrived", exchange -> {
            arrived.countDown();
            answer(exchange, "ok");
        });
        origin.start();
        TestServer t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("127.0.0.1"), List.of()),
                ListenerLimits.defaults().withShutdownGraceMs(500));
        try {
            assertThat(t.putModule(t.accountApi("/workers/scripts/forever"), "{\"main_module\":\"w.js\"}", "w.js",
                    "export default { async fetch() {\n"
                            + "  await fetch('http://127.0.0.1:" + origin.getAddress().getPort() + "/arrived');\n"
                            + "  return new Promise(() => {});\n"
                            + "} };").status()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> inFlight = request(t, "forever.localhost");
            assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture.runAsync(() -> t.server.close()).get(30, TimeUnit.SECONDS);
            // Cancelled when the grace was over: the client hears so rather than waiting for good.
            HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("canceled");
        } finally {
            t.close();
            origin.stop(0);
        }
    }

    /** A request to the worker listener for {@code host}, on its way. */
    private static CompletableFuture<HttpResponse<String>> request(TestServer t, String host) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + t.server.port() + "/")).header("host", host)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static int healthz(TestServer t) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + t.server.apiPort() + "/healthz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
