package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * A dispatch worker and an outbound worker serve every tenant from one cap of invocations in
 * flight: once half of it is in flight, one user worker holds at most a quarter of it, and once
 * three quarters are, only user workers holding no call get one; so a few tenants whose
 * requests wait on a server that does not answer cannot have everyone else's refused.
 */
class TenantSharesTest {
    @TempDir
    Path dir;

    static final String DISPATCHER = """
            export default { async fetch(request, env) {
              const name = new URL(request.url).hostname.split('.')[0];
              try {
                return await env.NS.get(name).fetch(request);
              } catch (e) {
                return new Response('caught: ' + e.message, { status: 599 });
              }
            } };""";

    /** An origin whose requests to /hold wait until the test lets them go; then it answers "held". */
    private static final class Hold implements AutoCloseable {
        final AtomicInteger arrived = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        private final HttpServer server;

        Hold() throws java.io.IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/hold", exchange -> {
                arrived.incrementAndGet();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = "held".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hold";
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }

    /**
     * A server whose dispatch worker 'front' (no outbound worker) serves *.shares.test from the
     * namespace "shares"; 8 invocations in flight per worker.
     */
    private TestServer withFront() {
        Limits limits = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 60_000, 100, 8);
        TestServer t = new TestServer(dir, List.of(Route.parse("*.shares.test/*=front")), limits,
                new EgressPolicy(List.of("127.0.0.1"), List.of()));
        try {
            t.createNamespace("shares");
            t.deploy("/workers/scripts/front", "{\"main_module\":\"f.js\",\"bindings\":[{\"type\":\"dispatch_namespace\","
                    + "\"name\":\"NS\",\"namespace\":\"shares\"}]}", "f.js", DISPATCHER);
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    @Test
    void a_user_worker_holds_at_most_a_quarter_of_its_dispatch_and_outbound_workers() throws Exception {
        Hold hold = new Hold();
        AtomicInteger arrived = hold.arrived;
        CountDownLatch release = hold.release;
        String holdUrl = hold.url();
        // 8 invocations in flight per worker: each user worker may hold 2 of the dispatch worker's and of the outbound worker's.
        Limits limits = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 60_000, 100, 8);
        ExecutorService clients = Executors.newFixedThreadPool(5);
        try (TestServer t = new TestServer(dir, List.of(Route.parse("*.shares.test/*=front")), limits,
                new EgressPolicy(List.of("127.0.0.1"), List.of()))) {
            t.createNamespace("shares");
            t.deploy("/workers/scripts/gate", "{\"main_module\":\"g.js\"}", "g.js",
                    "export default { fetch(request) { return fetch(request); } };");
            t.deploy("/workers/scripts/front", "{\"main_module\":\"f.js\",\"bindings\":[{\"type\":\"dispatch_namespace\","
                    + "\"name\":\"NS\",\"namespace\":\"shares\",\"outbound\":{\"worker\":{\"service\":\"gate\"}}}]}", "f.js", DISPATCHER);
            String ns = "/workers/dispatch/namespaces/shares/scripts/";
            for (String slowOne : List.of("slow", "slow2")) {
                t.deploy(ns + slowOne, "{\"main_module\":\"s.js\"}", "s.js", "export default { async fetch() {"
                        + " const r = await fetch('" + holdUrl + "'); return new Response('slow ' + await r.text()); } };");
            }
            t.deploy(ns + "fanout", "{\"main_module\":\"o.js\"}", "o.js", "export default { async fetch() {"
                    + " const all = await Promise.allSettled([1, 2, 3].map(() => fetch('" + holdUrl + "')));"
                    + " return new Response(all.map((r) => r.status === 'fulfilled' ? 'ok' : r.reason.message).join(' | ')); } };");
            t.deploy(ns + "quick", "{\"main_module\":\"q.js\"}", "q.js",
                    "export default { fetch() { return new Response('quick'); } };");

            List<Future<TestServer.Reply>> slow = new ArrayList<>();
            for (String host : List.of("slow", "slow", "slow2", "slow2")) {
                slow.add(clients.submit(() -> t.worker("GET", host + ".shares.test", "/", null)));
            }
            // Half the front's 8 and of the gate's: from now on each tenant keeps to its 2.
            Await.value(() -> arrived.get() == 4 ? Boolean.TRUE : null, "two requests of slow and of slow2 waiting");
            TestServer.Reply third = t.worker("GET", "slow.shares.test", "/", null);
            assertThat(third.status()).isEqualTo(599);
            assertThat(third.body()).isEqualTo("caught: Worker is overloaded: 2 calls of 'front' already wait for user "
                    + "worker 'slow', a quarter of the 8 invocations in flight it may have ([limits] concurrent-invocations), "
                    + "and it has half of them in flight; try again.");
            assertThat(t.worker("GET", "quick.shares.test", "/", null).body()).as("another tenant").isEqualTo("quick");

            Future<TestServer.Reply> fanout = clients.submit(() -> t.worker("GET", "fanout.shares.test", "/", null));
            Await.value(() -> arrived.get() == 6 ? Boolean.TRUE : null, "two subrequests of fanout waiting");
            release.countDown();
            for (Future<TestServer.Reply> r : slow) {
                assertThat(r.get(60, TimeUnit.SECONDS).body()).isEqualTo("slow held");
            }
            // The user worker is told neither the platform's worker's name nor its limits.
            assertThat(fanout.get(60, TimeUnit.SECONDS).body()).isEqualTo("ok | ok | Worker is overloaded: this worker's "
                    + "subrequests already hold their share of the platform's outbound worker, which is busy; wait for some "
                    + "to finish.");
            assertThat(t.worker("GET", "slow.shares.test", "/", null).body()).as("its share given back").isEqualTo("slow held");
        } finally {
            clients.shutdownNow();
            hold.close();
        }
    }

    @Test
    void a_few_tenants_cannot_fill_a_dispatch_worker_its_last_quarter_goes_to_tenants_holding_no_call() throws Exception {
        Hold hold = new Hold();
        // 8 invocations in flight: past 4 a user worker keeps to 2 calls; past 6 only one that holds none gets a call.
        ExecutorService clients = Executors.newFixedThreadPool(12);
        try (TestServer t = withFront()) {
            String ns = "/workers/dispatch/namespaces/shares/scripts/";
            List<String> slowOnes = List.of("slow1", "slow2", "slow3", "slow4");
            for (String slowOne : slowOnes) {
                t.deploy(ns + slowOne, "{\"main_module\":\"s.js\"}", "s.js", "export default { async fetch() {"
                        + " const r = await fetch('" + hold.url() + "'); return new Response('slow ' + await r.text()); } };");
            }
            t.deploy(ns + "quick", "{\"main_module\":\"q.js\"}", "q.js",
                    "export default { fetch() { return new Response('quick'); } };");

            // Each slow tenant in turn sends requests that wait on the origin until one is refused.
            List<Future<TestServer.Reply>> held = new ArrayList<>();
            List<String> refusals = new ArrayList<>();
            for (String slowOne : slowOnes) {
                for (int i = 0; i < 8; i++) {
                    int before = hold.arrived.get();
                    Future<TestServer.Reply> reply = clients.submit(() -> t.worker("GET", slowOne + ".shares.test", "/", null));
                    Await.value(() -> hold.arrived.get() > before || reply.isDone() ? Boolean.TRUE : null,
                            "a request of " + slowOne + " waiting on the origin, or refused");
                    if (reply.isDone()) {
                        refusals.add(slowOne + ": " + reply.get().body());
                        break;
                    }
                    held.add(reply);
                }
            }
            assertThat(hold.arrived.get()).as("requests waiting on the origin").isEqualTo(7);
            assertThat(refusals).contains("slow3: caught: Worker is overloaded: 'front' has three quarters of the 8 "
                    + "invocations in flight it may have ([limits] concurrent-invocations) and keeps the rest for user "
                    + "workers it is not calling yet; user worker 'slow3' has calls waiting already; try again.");
            assertThat(t.worker("GET", "quick.shares.test", "/", null).body()).as("another tenant").isEqualTo("quick");
            hold.release.countDown();
            for (Future<TestServer.Reply> r : held) {
                assertThat(r.get(60, TimeUnit.SECONDS).body()).isEqualTo("slow held");
            }
        } finally {
            clients.shutdownNow();
            hold.close();
        }
    }

    @Test
    void a_gzip_stream_decoded_for_the_client_gives_its_share_back() throws Exception {
        // A client that does not accept gzip gets a gzip body decoded on its way: the decoding
        // ended with the gzip data, before the stream it read had said it was over, so the call
        // never gave its share of the dispatch worker back, and a tenant's few such responses
        // later had its requests refused as if that many were in flight.
        Hold hold = new Hold();
        AtomicInteger arrived = hold.arrived;
        CountDownLatch release = hold.release;
        String holdUrl = hold.url();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (TestServer t = withFront()) {
            String ns = "/workers/dispatch/namespaces/shares/scripts/";
            t.deploy(ns + "zipped", "{\"main_module\":\"z.js\"}", "z.js", """
                    export default { fetch() {
                      const parts = ['first part, ', 'second part, ', 'last part'];
                      const body = new ReadableStream({ pull(c) { const p = parts.shift(); if (p) c.enqueue(new TextEncoder().encode(p)); else c.close(); } });
                      return new Response(body, { headers: { 'content-encoding': 'gzip', 'content-type': 'text/plain' } });
                    } };""");
            for (String slowOne : List.of("slow", "slow2")) {
                t.deploy(ns + slowOne, "{\"main_module\":\"s.js\"}", "s.js", "export default { async fetch() {"
                        + " await fetch('" + holdUrl + "'); return new Response('slow'); } };");
            }
            for (int i = 0; i < 4; i++) {
                TestServer.Reply r = t.worker("GET", "zipped.shares.test", "/", null);
                assertThat(r.body()).as("decoded for a client that does not ask for gzip")
                        .isEqualTo("first part, second part, last part");
            }
            List<Future<TestServer.Reply>> slow = new ArrayList<>();
            for (String host : List.of("slow", "slow", "slow2", "slow2")) {
                slow.add(clients.submit(() -> t.worker("GET", host + ".shares.test", "/", null)));
            }
            // Half the front's 8 in flight: from now on each tenant keeps to its 2.
            Await.value(() -> arrived.get() == 4 ? Boolean.TRUE : null, "two requests of slow and of slow2 waiting");
            assertThat(t.worker("GET", "zipped.shares.test", "/", null).body()).as("none of its calls is still counted")
                    .isEqualTo("first part, second part, last part");
            release.countDown();
            for (Future<TestServer.Reply> r : slow) {
                assertThat(r.get(60, TimeUnit.SECONDS).body()).isEqualTo("slow");
            }
        } finally {
            clients.shutdownNow();
            hold.close();
        }
    }
}
