package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Allow and block lists of the platform, a namespace and a script, checked after DNS and on every redirect. */
class EgressPolicyTest {
    @TempDir
    Path dir;

    static final String PROBE = """
            export default { async fetch(request) {
              const target = new URL(request.url).searchParams.get('u');
              try {
                const r = await fetch(target);
                return new Response('reached ' + r.status + ': ' + await r.text());
              } catch (e) {
                return new Response(e.name + ': ' + e.message);
              }
            } };""";

    private static String probe(TestServer t, String worker, String url) {
        return t.worker("GET", worker, "/?u=" + URLEncoder.encode(url, StandardCharsets.UTF_8), null).body();
    }

    @Test
    void of_this_servers_listeners_a_fetch_to_its_own_addresses_reaches_the_worker_listener_only() {
        try (TestServer t = new TestServer(dir, List.of())) {
            // the API is a worker's as api.cloudflare.com, with a token of its own, not by this machine's address
            assertThat(t.server.listenerPortsWorkersReach()).containsExactly(t.server.port())
                    .doesNotContain(t.server.apiPort());
        }
    }

    @Test
    void allow_listed_loopback_host_passes_and_everything_else_is_refused() {
        try (Origin origin = new Origin();
                TestServer t = new TestServer(dir, List.of(), Limits.defaults(),
                        new EgressPolicy(List.of("localhost"), List.of("*.blocked.example")))) {
            t.putModule(t.accountApi("/workers/scripts/probe"), "{\"main_module\":\"p.js\"}", "p.js", PROBE);
            int port = origin.port();

            assertThat(probe(t, "probe.localhost", "http://localhost:" + port + "/hello"))
                    .isEqualTo("reached 200: hello from origin via localhost:" + port);
            assertThat(probe(t, "probe.localhost", "http://127.0.0.1:" + port + "/hello"))
                    .startsWith("TypeError: ").contains("not on the allow list");
            assertThat(probe(t, "probe.localhost", "http://localhost:" + port + "/redirect"))
                    .as("a redirect to an address that is not allowed").startsWith("TypeError: ")
                    .contains("127.0.0.1").contains("blocked by the egress policy");
            assertThat(probe(t, "probe.localhost", "http://api.blocked.example/"))
                    .startsWith("TypeError: ").contains("api.blocked.example matches a block-list rule of the platform")
                    .as("the rule itself is the operator's").doesNotContain("*.blocked.example");
        }
    }

    @Test
    void namespace_and_script_policies_add_to_the_platform_policy() {
        try (Origin origin = new Origin();
                TestServer t = new TestServer(dir, List.of(dev.tenantd.platform.Route.parse("*.ns.test/*=front")),
                        Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()))) {
            int port = origin.port();
            String hello = "http://localhost:" + port + "/hello";
            t.createNamespace("customers");
            t.putModule(t.accountApi("/workers/scripts/front"),
                    "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"customers\"}]}",
                    "f.js", "export default { fetch(r, env) { return env.NS.get(new URL(r.url).hostname.split('.')[0]).fetch(r); } };");
            t.putModule(t.accountApi("/workers/dispatch/namespaces/customers/scripts/open"), "{\"main_module\":\"p.js\"}", "p.js", PROBE);
            t.putModule(t.accountApi("/workers/dispatch/namespaces/customers/scripts/strict"),
                    "{\"main_module\":\"p.js\",\"egress\":{\"block\":[\"localhost\"]}}", "p.js", PROBE);

            assertThat(probe(t, "open.ns.test", hello)).startsWith("reached 200");
            assertThat(probe(t, "strict.ns.test", hello)).startsWith("TypeError: ")
                    .contains("localhost matches a block-list rule of the script");

            TestServer.Reply set = t.send(t.authed(t.accountApi("/workers/dispatch/namespaces/customers"))
                    .header("content-type", "application/json")
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"egress\":{\"block\":[\"127.0.0.0/8\"]}}")));
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(set.json().path("result").path("egress").path("block").get(0).asText()).isEqualTo("127.0.0.0/8");
            assertThat(probe(t, "open.ns.test", hello)).startsWith("TypeError: ")
                    .contains("localhost matches a block-list rule of the namespace");

            t.send(t.authed(t.accountApi("/workers/dispatch/namespaces/customers")).header("content-type", "application/json")
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"egress\":{}}")));
            assertThat(probe(t, "open.ns.test", hello)).startsWith("reached 200");
        }
    }

    @Test
    void cidr_allow_list_and_invalid_rules() {
        try (Origin origin = new Origin();
                TestServer t = new TestServer(dir, List.of(), Limits.defaults(),
                        new EgressPolicy(List.of("127.0.0.0/8"), List.of()))) {
            t.putModule(t.accountApi("/workers/scripts/probe"), "{\"main_module\":\"p.js\"}", "p.js", PROBE);
            assertThat(probe(t, "probe.localhost", "http://127.0.0.1:" + origin.port() + "/hello")).startsWith("reached 200");
            assertThat(probe(t, "probe.localhost", "http://[::1]:" + origin.port() + "/hello"))
                    .startsWith("TypeError: ").contains("not on the allow list");
            TestServer.Reply bad = t.putModule(t.accountApi("/workers/scripts/bad"),
                    "{\"main_module\":\"p.js\",\"egress\":{\"allow\":[\"10.0.0.0/99\"]}}", "p.js", PROBE);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.message()).contains("10.0.0.0/99");
            // every subrequest is checked against every rule: a list is bounded
            String many = java.util.stream.IntStream.rangeClosed(0, EgressPolicy.MAX_RULES)
                    .mapToObj(i -> "\"h" + i + ".example\"").collect(java.util.stream.Collectors.joining(","));
            TestServer.Reply tooMany = t.postJson(t.accountApi("/workers/dispatch/namespaces"),
                    "{\"name\":\"crowded\",\"egress\":{\"block\":[" + many + "]}}");
            assertThat(tooMany.status()).isEqualTo(400);
            assertThat(tooMany.message()).contains("1001 rules; a list has at most 1000");
            TestServer.Reply tooLong = t.putModule(t.accountApi("/workers/scripts/bad"),
                    "{\"main_module\":\"p.js\",\"egress\":{\"allow\":[\"" + "a".repeat(300) + ".example\"]}}", "p.js", PROBE);
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.message()).contains("a rule has at most 256");
            assertThat(t.get(t.accountApi("/workers/dispatch/namespaces/crowded")).status()).isEqualTo(404);
        }
    }

    /** A dispatch worker that sends {@code <script>.<namespace>.ns.test} to that script in that namespace. */
    static final String FRONT = """
            export default { fetch(r, env) {
              const [script, ns] = new URL(r.url).hostname.split('.');
              return env[ns].get(script).fetch(r);
            } };""";

    private static void namespace(TestServer t, String name, String egressJson) {
        TestServer.Reply r = t.postJson(t.accountApi("/workers/dispatch/namespaces"),
                "{\"name\":\"" + name + "\",\"egress\":" + egressJson + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static void front(TestServer t, String... namespaces) {
        StringBuilder bindings = new StringBuilder();
        for (String ns : namespaces) {
            bindings.append(bindings.isEmpty() ? "" : ",").append("{\"type\":\"dispatch_namespace\",\"name\":\"")
                    .append(ns).append("\",\"namespace\":\"").append(ns).append("\"}");
        }
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"), "{\"main_module\":\"f.js\",\"compatibility_date\":"
                + "\"2024-01-01\",\"bindings\":[" + bindings + "]}", "f.js", FRONT).status()).isEqualTo(200);
    }

    private static void userWorker(TestServer t, String ns, String name, String egressJson) {
        assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/" + ns + "/scripts/" + name),
                "{\"main_module\":\"p.js\",\"egress\":" + egressJson + "}", "p.js", PROBE).status()).isEqualTo(200);
    }

    @Test
    void a_script_or_namespace_allow_list_cannot_open_what_the_platform_refuses() {
        try (TestServer t = new TestServer(dir, List.of(dev.tenantd.platform.Route.parse("*.ns.test/*=front")))) {
            String healthz = "http://127.0.0.1:" + t.server.apiPort() + "/healthz";
            assertThat(t.putModule(t.accountApi("/workers/scripts/widen"),
                    "{\"main_module\":\"p.js\",\"egress\":{\"allow\":[\"127.0.0.1\",\"127.0.0.0/8\",\"localhost\"]}}",
                    "p.js", PROBE).status()).isEqualTo(200);
            namespace(t, "opened", "{\"allow\":[\"127.0.0.1\",\"localhost\"]}");
            front(t, "opened");
            userWorker(t, "opened", "plain", "{}");
            userWorker(t, "opened", "both", "{\"allow\":[\"127.0.0.1\"]}");

            for (String[] probe : new String[][] {{"widen.localhost", healthz},
                    {"plain.opened.ns.test", healthz}, {"both.opened.ns.test", healthz}}) {
                assertThat(probe(t, probe[0], probe[1])).as(probe[0] + " → " + probe[1])
                        .startsWith("TypeError: ").contains("blocked by the egress policy")
                        .contains("127.0.0.1 is loopback").contains("only the platform's egress allow list can open it");
            }
            // By name: the address it resolved to is not said (a worker could map the names of the
            // operator's network to its private addresses).
            assertThat(probe(t, "widen.localhost", "http://localhost:" + t.server.apiPort() + "/healthz"))
                    .startsWith("TypeError: ").contains("blocked by the egress policy")
                    .contains("localhost resolves to an address that is not public or is this server's")
                    .contains("only the platform's egress allow list can open it").doesNotContain("127.0.0.1");
        }
    }

    @Test
    void representative_rows_of_the_narrowing_table_end_to_end() {
        try (Origin origin = new Origin();
                TestServer t = new TestServer(dir, List.of(dev.tenantd.platform.Route.parse("*.ns.test/*=front")),
                        Limits.defaults(), new EgressPolicy(List.of("127.0.0.1"), List.of()))) {
            String hello = "http://127.0.0.1:" + origin.port() + "/hello";
            namespace(t, "unset", "{}");
            namespace(t, "narrowed", "{\"allow\":[\"127.0.0.0/8\"]}");
            namespace(t, "elsewhere", "{\"allow\":[\"8.8.8.8\"]}");
            namespace(t, "closed", "{\"block\":[\"127.0.0.1\"]}");
            front(t, "unset", "narrowed", "elsewhere", "closed");
            for (String ns : List.of("unset", "narrowed", "elsewhere", "closed")) {
                userWorker(t, ns, "free", "{}");
                userWorker(t, ns, "allowing", "{\"allow\":[\"127.0.0.1\"]}");
                userWorker(t, ns, "blocking", "{\"block\":[\"127.0.0.0/8\"]}");
            }

            assertThat(probe(t, "free.unset.ns.test", hello)).as("platform opens, nothing below").startsWith("reached 200");
            assertThat(probe(t, "allowing.unset.ns.test", hello)).as("script names it too").startsWith("reached 200");
            assertThat(probe(t, "free.narrowed.ns.test", hello)).as("namespace narrows to it").startsWith("reached 200");
            assertThat(probe(t, "blocking.narrowed.ns.test", hello)).as("script blocks")
                    .contains("matches a block-list rule of the script").doesNotContain("127.0.0.0/8");
            assertThat(probe(t, "allowing.elsewhere.ns.test", hello)).as("namespace allows only another address")
                    .contains("not on the allow list of the namespace");
            assertThat(probe(t, "allowing.closed.ns.test", hello)).as("script cannot undo the namespace's block")
                    .contains("matches a block-list rule of the namespace");
        }
    }

    /** Fetches each message it is sent, as a URL, and answers with the outcome; open until its client closes it. */
    static final String SOCKET_PROBE = """
            export default { fetch() {
              const [mine, theirs] = Object.values(new WebSocketPair());
              mine.accept();
              mine.addEventListener('message', async (event) => {
                try {
                  const r = await fetch(event.data);
                  mine.send('reached ' + r.status);
                } catch (e) {
                  mine.send(e.name + ': ' + e.message);
                }
              });
              return new Response(null, { status: 101, webSocket: theirs });
            } };""";

    @Test
    void a_deleted_namespace_s_workers_still_finishing_their_work_reach_nothing() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (Origin origin = new Origin();
                TestServer t = new TestServer(dir, List.of(dev.tenantd.platform.Route.parse("*.ns.test/*=front")),
                        Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()))) {
            String hello = "http://localhost:" + origin.port() + "/hello";
            namespace(t, "leaving", "{\"block\":[\"localhost\"]}");
            front(t, "leaving");
            assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/leaving/scripts/probe"),
                    "{\"main_module\":\"p.js\"}", "p.js", SOCKET_PROBE).status()).isEqualTo(200);
            try (WsClient socket = WsClient.connect(vertx, t.server.port(), "probe.leaving.ns.test", "/")) {
                socket.send(hello);
                assertThat((String) socket.next()).contains("localhost matches a block-list rule of the namespace");
                TestServer.Reply gone = t.delete(t.accountApi("/workers/dispatch/namespaces/leaving"));
                assertThat(gone.status()).as(gone.body()).isEqualTo(200);
                // The isolate goes on (the socket is open) until its grace period is over, with no way out.
                socket.send(hello);
                assertThat((String) socket.next()).startsWith("TypeError: ").contains("not on the allow list");
                socket.send("http://example.com/");
                assertThat((String) socket.next()).startsWith("TypeError: ").contains("not on the allow list");
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
