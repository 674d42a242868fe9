package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform's outbound worker makes every tenant's subrequests, but each in the name of the
 * user worker it serves: one tenant whose subrequests hang holds its own share of the server's
 * connections (256), not the outbound worker's, so the next tenant's subrequests through the
 * same outbound worker do not wait behind them.
 */
class OutboundConnectionsByTenantTest {
    @TempDir
    Path dir;

    @Test
    void a_tenant_holding_its_share_of_connections_through_the_outbound_worker_does_not_hold_up_another() throws Exception {
        AtomicInteger arrived = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        origin.setExecutor(handlers);
        origin.createContext("/hold", exchange -> {
            arrived.incrementAndGet();
            try {
                // longer than the client below waits for the other tenant
                release.await(180, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Not kept: the JDK's server keeps at most 200 idle connections and closes the others
            // as they are reused, which would fail some of the 44 subrequests waiting for them.
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            exchange.close();
        });
        origin.createContext("/now", exchange -> {
            exchange.sendResponseHeaders(200, 3);
            exchange.getResponseBody().write("now".getBytes(StandardCharsets.US_ASCII));
            exchange.close();
        });
        origin.start();
        String base = "http://127.0.0.1:" + origin.getAddress().getPort();
        // 300 subrequests for one invocation, and as many of the outbound worker's in flight.
        Limits limits = new Limits(30_000, 128, 1_000, 10L * 1024 * 1024, 1_000, 128 * 1024, 240_000, 100, 1_000);
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        try (TestServer t = new TestServer(dir, List.of(Route.parse("*.conns.test/*=front")), limits,
                new EgressPolicy(List.of("127.0.0.1"), List.of()))) {
            t.createNamespace("conns");
            t.deploy("/workers/scripts/gate", "{\"main_module\":\"g.js\"}", "g.js",
                    "export default { fetch(request) { return fetch(request); } };");
            t.deploy("/workers/scripts/front", "{\"main_module\":\"f.js\",\"bindings\":[{\"type\":\"dispatch_namespace\","
                    + "\"name\":\"NS\",\"namespace\":\"conns\",\"outbound\":{\"worker\":{\"service\":\"gate\"}}}]}", "f.js", """
                    export default { fetch(request, env) {
                      return env.NS.get(new URL(request.url).hostname.split('.')[0]).fetch(request);
                    } };""");
            String ns = "/workers/dispatch/namespaces/conns/scripts/";
            t.deploy(ns + "hog", "{\"main_module\":\"h.js\"}", "h.js", "export default { async fetch() {"
                    + " const all = await Promise.allSettled(Array.from({ length: 300 }, () => fetch('" + base + "/hold')));"
                    + " return new Response(String(all.filter((r) => r.status === 'fulfilled').length)); } };");
            t.deploy(ns + "other", "{\"main_module\":\"o.js\"}", "o.js", "export default { async fetch() {"
                    + " return new Response('other ' + await (await fetch('" + base + "/now')).text()); } };");

            Future<TestServer.Reply> hog = clients.submit(() -> t.worker("GET", "hog.conns.test", "/", null));
            // Its 256 connections are held; its other 44 subrequests wait for one of its own.
            Await.value(() -> arrived.get() >= 256 ? Boolean.TRUE : null, "the hog's subrequests holding its connections");

            TestServer.Reply other = t.worker("GET", "other.conns.test", "/", null);
            assertThat(other.body()).isEqualTo("other now");
            assertThat(arrived.get()).as("the hog never holds more than its share").isEqualTo(256);

            release.countDown();
            assertThat(hog.get(120, TimeUnit.SECONDS).body()).isEqualTo("300");
        } finally {
            release.countDown();
            clients.shutdownNow();
            origin.stop(0);
            handlers.shutdownNow();
        }
    }
}
