package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** request.cf: what the server knows of the client's connection, hidden from workers of untrusted namespaces. */
class RequestCfTest {
    @TempDir
    static Path dir;
    static TestServer t;

    static final String SHOW_CF = """
            export default { fetch(request) {
              return new Response(request.cf === undefined ? 'no cf' : JSON.stringify(request.cf));
            } };""";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.cf.test/*=front"), Route.parse("plain.test/*=plain")));
        t.createNamespace("tenants");
        String binding = "{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"}";
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"bindings\":[" + binding + "]}", "f.js", """
                export default { async fetch(request, env) {
                  const mine = JSON.stringify(request.cf);
                  const theirs = await env.NS.get('acme').fetch(request);
                  return new Response(`${mine}\\n${await theirs.text()}`);
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/acme"),
                "{\"main_module\":\"u.js\"}", "u.js", SHOW_CF).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/plain"), "{\"main_module\":\"p.js\"}", "p.js", SHOW_CF)
                .status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void a_plain_worker_sees_the_protocol_and_accepted_encodings_of_the_client() throws Exception {
        JsonNode cf = TestServer.JSON.readTree(t.worker("GET", "plain.test", "/", null).body());
        assertThat(cf.path("httpProtocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(cf.has("tlsVersion")).as("the listener speaks plain HTTP").isFalse();
        assertThat(cf.has("colo")).as("nothing Cloudflare's network would know is invented").isFalse();
    }

    @Test
    void a_user_worker_of_an_untrusted_namespace_does_not_see_the_dispatchers_cf() throws Exception {
        String[] lines = t.worker("GET", "acme.cf.test", "/", null).body().split("\n");
        assertThat(TestServer.JSON.readTree(lines[0]).path("httpProtocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(lines[1]).isEqualTo("no cf");
    }
}
