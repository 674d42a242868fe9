package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.kv.KvSettings;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that writes to KV without end fills its namespace up to {@code [kv] namespace-mb}
 * and no further: its writes, and the API's, are refused with 507 until keys are deleted,
 * and another namespace is not touched. An account has at most {@code [kv] namespaces-per-account}
 * namespaces.
 */
class KvNamespaceLimitTest {
    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void start() {
        s = new TestServer(dir, List.of(), new KvSettings(1024 * 1024, 3));
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private String createNamespace(String title) {
        TestServer.Reply r = s.postJson(s.accountApi("/storage/kv/namespaces"), "{\"title\":\"" + title + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("result").path("id").asText();
    }

    private TestServer.Reply putValue(String namespace, String key, byte[] value) {
        return s.send(s.authed(s.accountApi("/storage/kv/namespaces/" + namespace + "/values/" + key))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(value)));
    }

    @Test
    void an_account_has_at_most_its_share_of_namespaces_and_deleting_one_makes_room() {
        createNamespace("one");
        createNamespace("two");
        String third = createNamespace("three");
        TestServer.Reply refused = s.postJson(s.accountApi("/storage/kv/namespaces"), "{\"title\":\"four\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.message()).isEqualTo("This account has 3 KV namespaces, the most it may have "
                + "([kv] namespaces-per-account is 3); delete one first.");
        assertThat(s.delete(s.accountApi("/storage/kv/namespaces/" + third)).status()).isEqualTo(200);
        createNamespace("four");
    }

    @Test
    void writes_past_the_namespace_limit_are_refused_with_507_until_keys_are_deleted() {
        String full = createNamespace("filled");
        String other = createNamespace("other");
        String metadata = "{\"main_module\":\"w.js\",\"compatibility_date\":\"2025-01-01\",\"bindings\":["
                + "{\"type\":\"kv_namespace\",\"name\":\"KV\",\"namespace_id\":\"" + full + "\"}]}";
        TestServer.Reply up = s.putModule(s.accountApi("/workers/scripts/filler"), metadata, "w.js", """
                export default { async fetch(request, env) {
                  const value = new Uint8Array(300 * 1024);
                  let written = 0;
                  try {
                    for (;;) {
                      await env.KV.put('key-' + written, value);
                      written++;
                    }
                  } catch (e) {
                    return new Response(written + ' written; ' + e.message);
                  }
                } };""");
        assertThat(up.status()).as(up.body()).isEqualTo(200);

        TestServer.Reply filled = s.worker("GET", "filler.localhost", "/", null);
        assertThat(filled.body()).startsWith("3 written; KV PUT failed: 507 The namespace is full")
                .contains("over its limit of 1048576 bytes")
                .contains("[kv] namespace-mb");

        TestServer.Reply refused = putValue(full, "one-more", new byte[300 * 1024]);
        assertThat(refused.status()).isEqualTo(507);
        assertThat(refused.json().path("success").asBoolean()).isFalse();
        assertThat(refused.json().path("errors").get(0).path("code").asInt()).isEqualTo(10507);
        assertThat(refused.json().path("errors").get(0).path("message").asText()).contains("The namespace is full");

        // Another namespace is not touched.
        assertThat(putValue(other, "k", new byte[300 * 1024]).status()).isEqualTo(200);

        // Deleting a key makes room again, as much as it took.
        assertThat(s.delete(s.accountApi("/storage/kv/namespaces/" + full + "/values/key-1")).status()).isEqualTo(200);
        assertThat(putValue(full, "one-more", new byte[300 * 1024]).status()).isEqualTo(200);
        assertThat(putValue(full, "and-one-more", new byte[300 * 1024]).status()).isEqualTo(507);

        // A rewrite that does not grow the namespace passes even when it is full.
        assertThat(putValue(full, "key-0", new byte[10]).status()).isEqualTo(200);
    }
}
