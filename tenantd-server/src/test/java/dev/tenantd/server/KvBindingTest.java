package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker with a {@code kv_namespace} binding on a real server: {@code kv/kv-test.js}
 * runs each of its exported tests in a real isolate against the real KV service.
 */
class KvBindingTest {
    private static final Path SUITE = Path.of("src/test/resources/kv/kv-test.js");
    private static final String HARNESS = """
            import * as suite from './kv-test.js';
            export default {
              async fetch(request, env) {
                const name = new URL(request.url).searchParams.get('test');
                try {
                  await suite[name](env);
                  return new Response('ok');
                } catch (e) {
                  return new Response(String((e && e.stack) || e), { status: 500 });
                }
              },
            };
            """;

    @TempDir
    static Path dir;
    static TestServer s;
    static String namespaceId;

    @BeforeAll
    static void start() throws IOException {
        s = new TestServer(dir, List.of());
        namespaceId = createNamespace("worker-tests");
        TestServer.Reply up = s.putMultipart(s.accountApi("/workers/scripts/kvtest"), new TestServer.Multipart()
                .json("metadata", metadata("harness.js", namespaceId))
                .file("harness.js", "harness.js", "application/javascript+module", HARNESS)
                .file("kv-test.js", "kv-test.js", "application/javascript+module", Files.readString(SUITE)));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    private static String createNamespace(String title) {
        TestServer.Reply r = s.postJson(s.accountApi("/storage/kv/namespaces"), "{\"title\":\"" + title + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("result").path("id").asText();
    }

    private static String metadata(String main, String namespaceId) {
        ObjectNode m = TestServer.JSON.createObjectNode().put("main_module", main).put("compatibility_date", "2025-01-01");
        ArrayNode bindings = m.putArray("bindings");
        bindings.addObject().put("type", "kv_namespace").put("name", "KV").put("namespace_id", namespaceId);
        return m.toString();
    }

    @TestFactory
    Stream<DynamicTest> kv_test_js() throws IOException {
        Matcher exports = Pattern.compile("export async function (\\w+)").matcher(Files.readString(SUITE));
        List<String> names = exports.results().map(r -> r.group(1)).toList();
        assertThat(names).isNotEmpty();
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            TestServer.Reply r = s.worker("GET", "kvtest.localhost", "/?test=" + name, null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }));
    }

    @Test
    void the_worker_and_the_api_see_the_same_entries() {
        TestServer.Reply up = s.putModule(s.accountApi("/workers/scripts/kvecho"), metadata("echo.js", namespaceId), "echo.js", """
                export default {
                  async fetch(request, env) {
                    const url = new URL(request.url);
                    if (request.method === 'PUT') {
                      await env.KV.put(url.searchParams.get('key'), await request.text(), { metadata: { by: 'worker' } });
                      return new Response('stored');
                    }
                    return new Response(await env.KV.get(url.searchParams.get('key')) ?? 'null');
                  },
                };
                """);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        String values = s.accountApi("/storage/kv/namespaces/" + namespaceId + "/values/");
        assertThat(s.send(s.authed(values + "from%2Fapi").PUT(HttpRequest.BodyPublishers.ofString("api value"))).status())
                .isEqualTo(200);
        assertThat(s.worker("GET", "kvecho.localhost", "/?key=from/api", null).body()).isEqualTo("api value");
        assertThat(s.worker("PUT", "kvecho.localhost", "/?key=from-worker", "worker value").body()).isEqualTo("stored");
        assertThat(s.get(values + "from-worker").body()).isEqualTo("worker value");
        assertThat(s.get(s.accountApi("/storage/kv/namespaces/" + namespaceId + "/metadata/from-worker")).json()
                .path("result").path("by").asText()).isEqualTo("worker");
    }

    @Test
    void a_binding_to_a_namespace_that_is_not_the_accounts_is_refused_at_upload() {
        String theirs = s.server.kv().createNamespace("another-account", "theirs").join().id();
        for (String id : List.of(theirs, "0123456789abcdef0123456789abcdef")) {
            TestServer.Reply r = s.putModule(s.accountApi("/workers/scripts/thief"), metadata("t.js", id), "t.js",
                    "export default { fetch() { return new Response('x'); } };");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.code()).isEqualTo(10021);
            assertThat(r.message()).contains("namespace_id '" + id + "'", "no KV namespace of this account");
        }
        TestServer.Reply missingId = s.putModule(s.accountApi("/workers/scripts/thief"),
                "{\"main_module\":\"t.js\",\"bindings\":[{\"type\":\"kv_namespace\",\"name\":\"KV\"}]}", "t.js",
                "export default { fetch() { return new Response('x'); } };");
        assertThat(missingId.status()).isEqualTo(400);
        assertThat(missingId.message()).contains("namespace_id");
        assertThat(s.get(s.accountApi("/workers/scripts/thief")).status()).isEqualTo(404);
    }

    @Test
    void a_deleted_namespace_fails_the_workers_calls_with_a_clear_error() {
        String id = createNamespace("short-lived");
        TestServer.Reply up = s.putModule(s.accountApi("/workers/scripts/orphan"), metadata("o.js", id), "o.js", """
                export default {
                  async fetch(request, env) {
                    try { await env.KV.get('k'); return new Response('read'); }
                    catch (e) { return new Response(e.name + ': ' + e.message, { status: 500 }); }
                  },
                };
                """);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(s.worker("GET", "orphan.localhost", "/", null).body()).isEqualTo("read");
        assertThat(s.delete(s.accountApi("/storage/kv/namespaces/" + id)).status()).isEqualTo(200);
        TestServer.Reply after = s.worker("GET", "orphan.localhost", "/", null);
        assertThat(after.status()).isEqualTo(500);
        assertThat(after.body()).startsWith("Error: KV GET failed: 404 namespace not found");
        assertThat(new String(after.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).doesNotContain("Exception");
    }
}
