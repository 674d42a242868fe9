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
                    .startsWith("TypeError: ").contains("block-list rule '*.blocked.example'");
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
            assertThat(probe(t, "strict.ns.test", hello)).startsWith("TypeError: ").contains("block-list rule 'localhost'");

            TestServer.Reply set = t.send(t.authed(t.accountApi("/workers/dispatch/namespaces/customers"))
                    .header("content-type", "application/json")
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"egress\":{\"block\":[\"127.0.0.0/8\"]}}")));
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(set.json().path("result").path("egress").path("block").get(0).asText()).isEqualTo("127.0.0.0/8");
            assertThat(probe(t, "open.ns.test", hello)).startsWith("TypeError: ").contains("127.0.0.0/8");

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
        }
    }
}
