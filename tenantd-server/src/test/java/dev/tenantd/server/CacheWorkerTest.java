package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Route;
import dev.tenantd.platform.cache.CacheLimits;
import java.io.IOException;
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
 * The Cache API in real isolates on a real server: {@code cache/cache-test.js} run test by
 * test in a plain worker, and whose entries each worker sees: the user workers of an
 * untrusted namespace each have their own cache (and {@code caches.default} is disabled),
 * a trusted namespace's workers share one, the account's plain workers share the account's.
 */
class CacheWorkerTest {
    private static final Path SUITE = Path.of("src/test/resources/cache/cache-test.js");
    private static final CacheLimits LIMITS = new CacheLimits(16L << 20, 64 * 1024, 2);
    private static final String HARNESS = """
            import * as suite from './cache-test.js';
            export default {
              async fetch(request) {
                const name = new URL(request.url).searchParams.get('test');
                try {
                  await suite[name]();
                  return new Response('ok');
                } catch (e) {
                  return new Response(String((e && e.stack) || e), { status: 500 });
                }
              },
            };
            """;
    /** A worker that stores what it is sent and answers what it finds, in the default cache or one it opens. */
    private static final String KEEPER = """
            export default {
              async fetch(request) {
                const url = new URL(request.url);
                const cache = url.searchParams.has('default') ? caches.default : await caches.open('shared-name');
                const key = 'https://cache.test/item';
                if (request.method === 'PUT') {
                  await cache.put(key, new Response(await request.text(), { headers: { 'cache-control': 'max-age=600' } }));
                  return new Response('stored');
                }
                const hit = await cache.match(key);
                return new Response(hit ? await hit.text() : 'miss');
              },
            };
            """;
    private static final String DISPATCHER = """
            export default {
              fetch(request, env) {
                const [script, namespace] = new URL(request.url).hostname.split('.');
                return env[namespace.toUpperCase()].get(script).fetch(request);
              },
            };
            """;

    @TempDir
    static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws IOException {
        s = new TestServer(dir, List.of(Route.parse("*.isolated.cache.test/*=front"), Route.parse("*.trusted.cache.test/*=front")),
                LIMITS);
        TestServer.Reply up = s.putMultipart(s.accountApi("/workers/scripts/suite"), new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"harness.js\",\"compatibility_date\":\"2025-01-01\"}")
                .file("harness.js", "harness.js", "application/javascript+module", HARNESS)
                .file("cache-test.js", "cache-test.js", "application/javascript+module", Files.readString(SUITE)));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        s.createNamespace("isolated");
        TestServer.Reply trusted = s.postJson(s.accountApi("/workers/dispatch/namespaces"),
                "{\"name\":\"trusted\",\"trusted_workers\":true}");
        assertThat(trusted.status()).as(trusted.body()).isEqualTo(200);
        assertThat(trusted.json().path("result").path("trusted_workers").asBoolean()).isTrue();
        for (String ns : List.of("isolated", "trusted")) {
            for (String name : List.of("alice", "bob")) {
                upload("/workers/dispatch/namespaces/" + ns + "/scripts/" + name, KEEPER);
            }
        }
        upload("/workers/scripts/front", DISPATCHER, "{\"type\":\"dispatch_namespace\",\"name\":\"ISOLATED\",\"namespace\":\"isolated\"},"
                + "{\"type\":\"dispatch_namespace\",\"name\":\"TRUSTED\",\"namespace\":\"trusted\"}");
        upload("/workers/scripts/plain-one", KEEPER);
        upload("/workers/scripts/plain-two", KEEPER);
    }

    private static void upload(String path, String code, String... bindings) {
        TestServer.Reply r = s.putModule(s.accountApi(path), "{\"main_module\":\"w.js\",\"compatibility_date\":\"2025-01-01\","
                + "\"bindings\":[" + String.join(",", bindings) + "]}", "w.js", code);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> cache_test_js() throws IOException {
        Matcher exports = Pattern.compile("export async function (\\w+)").matcher(Files.readString(SUITE));
        List<String> names = exports.results().map(r -> r.group(1)).toList();
        assertThat(names).isNotEmpty();
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            TestServer.Reply r = s.worker("GET", "suite.localhost", "/?test=" + name, null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }));
    }

    private static String call(String method, String host, String query, String body) {
        TestServer.Reply r = s.worker(method, host, "/" + query, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void user_workers_of_an_untrusted_namespace_each_have_their_own_cache() {
        assertThat(call("PUT", "alice.isolated.cache.test", "", "alice's")).isEqualTo("stored");
        assertThat(call("GET", "alice.isolated.cache.test", "", null)).isEqualTo("alice's");
        assertThat(call("GET", "bob.isolated.cache.test", "", null)).isEqualTo("miss");
        assertThat(call("PUT", "bob.isolated.cache.test", "", "bob's")).isEqualTo("stored");
        assertThat(call("GET", "alice.isolated.cache.test", "", null)).isEqualTo("alice's");
        assertThat(call("GET", "bob.isolated.cache.test", "", null)).isEqualTo("bob's");
    }

    @Test
    void caches_default_is_disabled_in_an_untrusted_namespace() {
        assertThat(call("PUT", "alice.isolated.cache.test", "?default", "kept?")).isEqualTo("stored");
        assertThat(call("GET", "alice.isolated.cache.test", "?default", null)).isEqualTo("miss");
    }

    @Test
    void user_workers_of_a_trusted_namespace_share_one_cache_default_included() {
        assertThat(call("PUT", "alice.trusted.cache.test", "", "from alice")).isEqualTo("stored");
        assertThat(call("GET", "bob.trusted.cache.test", "", null)).isEqualTo("from alice");
        assertThat(call("PUT", "bob.trusted.cache.test", "?default", "default from bob")).isEqualTo("stored");
        assertThat(call("GET", "alice.trusted.cache.test", "?default", null)).isEqualTo("default from bob");
        assertThat(call("GET", "plain-one.localhost", "?default", null)).as("plain workers are not in the namespace")
                .isEqualTo("miss");
    }

    @Test
    void plain_workers_of_the_account_share_its_cache() {
        assertThat(call("PUT", "plain-one.localhost", "", "account-wide")).isEqualTo("stored");
        assertThat(call("GET", "plain-two.localhost", "", null)).isEqualTo("account-wide");
        assertThat(call("GET", "alice.trusted.cache.test", "", null)).as("user workers are not the account's")
                .isNotEqualTo("account-wide");
    }

    @Test
    void a_user_worker_uploaded_under_a_deleted_ones_name_starts_with_an_empty_cache() {
        upload("/workers/dispatch/namespaces/isolated/scripts/carol", KEEPER);
        assertThat(call("PUT", "carol.isolated.cache.test", "", "the first carol's")).isEqualTo("stored");
        assertThat(call("GET", "carol.isolated.cache.test", "", null)).isEqualTo("the first carol's");
        // a customer leaves; the platform gives the name to another one
        assertThat(s.delete(s.accountApi("/workers/dispatch/namespaces/isolated/scripts/carol")).status()).isEqualTo(200);
        upload("/workers/dispatch/namespaces/isolated/scripts/carol", KEEPER);
        assertThat(call("GET", "carol.isolated.cache.test", "", null)).isEqualTo("miss");
        // a new version of a script keeps its cache
        assertThat(call("PUT", "carol.isolated.cache.test", "", "the second carol's")).isEqualTo("stored");
        upload("/workers/dispatch/namespaces/isolated/scripts/carol", KEEPER + "\n// a new version\n");
        assertThat(call("GET", "carol.isolated.cache.test", "", null)).isEqualTo("the second carol's");
    }

    @Test
    void trusted_workers_must_be_a_boolean() {
        TestServer.Reply r = s.postJson(s.accountApi("/workers/dispatch/namespaces"),
                "{\"name\":\"odd\",\"trusted_workers\":\"yes\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo(10014);
        assertThat(r.message()).contains("trusted_workers must be true or false");
        assertThat(s.get(s.accountApi("/workers/dispatch/namespaces/odd")).status()).isEqualTo(404);
        TestServer.Reply update = s.send(s.authed(s.accountApi("/workers/dispatch/namespaces/isolated"))
                .header("content-type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"trusted_workers\":1}")));
        assertThat(update.status()).isEqualTo(400);
        assertThat(s.get(s.accountApi("/workers/dispatch/namespaces/isolated")).json().path("result")
                .path("trusted_workers").asBoolean()).isFalse();
    }

    @Test
    void an_upload_cannot_name_the_cache_as_a_binding() {
        TestServer.Reply r = s.putModule(s.accountApi("/workers/scripts/sneaky"),
                "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"cache\",\"name\":\"C\"}]}", "w.js", KEEPER);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.message()).contains("Binding type 'cache'", "not supported");
    }

    @Test
    void entries_survive_a_restart(@TempDir Path own) {
        TestServer first = new TestServer(own, List.of(), LIMITS);
        try {
            assertThat(first.putModule(first.accountApi("/workers/scripts/keeper"), "{\"main_module\":\"w.js\"}", "w.js", KEEPER)
                    .status()).isEqualTo(200);
            assertThat(first.worker("PUT", "keeper.localhost", "/", "before the restart").body()).isEqualTo("stored");
        } finally {
            first.close();
        }
        TestServer second = new TestServer(own, List.of(), LIMITS);
        try {
            assertThat(second.worker("GET", "keeper.localhost", "/", null).body()).isEqualTo("before the restart");
        } finally {
            second.close();
        }
    }
}
