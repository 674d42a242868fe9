package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
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
        assertThat(t.postJson(t.accountApi("/workers/dispatch/namespaces"),
                "{\"name\":\"inner\",\"trusted_workers\":true}").status()).isEqualTo(200);
        String bindings = "{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"},"
                + "{\"type\":\"dispatch_namespace\",\"name\":\"TRUSTED\",\"namespace\":\"inner\"}";
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"bindings\":[" + bindings + "]}", "f.js", """
                export default { async fetch(request, env) {
                  const mine = JSON.stringify(request.cf);
                  const theirs = await env.NS.get('acme').fetch(request);
                  const trusted = await env.TRUSTED.get('acme').fetch(request);
                  return new Response(`${mine}\\n${await theirs.text()}\\n${await trusted.text()}`);
                } };""").status()).isEqualTo(200);
        for (String ns : List.of("tenants", "inner")) {
            assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/" + ns + "/scripts/acme"),
                    "{\"main_module\":\"u.js\"}", "u.js", SHOW_CF).status()).isEqualTo(200);
        }
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
    void only_user_workers_of_a_trusted_namespace_see_the_dispatchers_cf() throws Exception {
        String[] lines = t.worker("GET", "acme.cf.test", "/", null).body().split("\n");
        assertThat(TestServer.JSON.readTree(lines[0]).path("httpProtocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(lines[1]).as("untrusted").isEqualTo("no cf");
        assertThat(lines[2]).as("trusted").isEqualTo(lines[0]);
    }

    @Test
    void hostile_header_values_stay_json_strings_written_as_a_json_library_writes_them() throws Exception {
        Random random = new Random(7);
        String alphabet = "gzip, br;q=0.5\"\\/\u0000\u001f\u007f\t\né€\u2028\ud83d\ude00";
        for (int n = 0; n < 5_000; n++) {
            StringBuilder value = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String encoding = value.toString();
            String tls = n % 3 == 0 ? "TLSv1.3" : null;
            ObjectNode expected = JsonNodeFactory.instance.objectNode().put("httpProtocol", "HTTP/1.1")
                    .put("clientAcceptEncoding", encoding);
            if (tls != null) {
                expected.put("tlsVersion", tls).put("tlsCipher", "TLS_AES_128_GCM_SHA256");
            }
            String written = RequestCf.json("HTTP/1.1", encoding, tls, tls == null ? null : "TLS_AES_128_GCM_SHA256");
            assertThat(written).as(encoding).isEqualTo(expected.toString());
            assertThat(TestServer.JSON.readTree(written)).isEqualTo(expected);
        }
        assertThat(RequestCf.json("HTTP/1.0", null, null, null)).isEqualTo("{\"httpProtocol\":\"HTTP/1.0\"}");
    }
}
