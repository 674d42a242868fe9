package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.Route;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control API over real HTTP, as curl would use it: uploads, metadata, deletes and every bad input. */
class ControlApiTest {
    @TempDir
    static Path dir;
    static TestServer t;

    static final String NS = "/workers/dispatch/namespaces";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.shop.test/*=router")), 256 * 1024);
        t.createNamespace("prod");
        String router = """
                export default { async fetch(request, env) {
                  try { return await env.NS.get(new URL(request.url).hostname.split('.')[0]).fetch(request); }
                  catch (e) { return new Response(e.message, { status: e.message.startsWith('Worker not found') ? 404 : 500 }); }
                } };""";
        assertThat(t.putModule(t.accountApi("/workers/scripts/router"),
                "{\"main_module\":\"r.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"prod\"}]}",
                "r.js", router).status()).isEqualTo(200);
        assertThat(t.putJs(t.accountApi(NS + "/prod/scripts/stable"),
                "addEventListener('fetch', (e) => e.respondWith(new Response('stable v1')));").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String stableEtag() {
        return t.get(t.accountApi(NS + "/prod/scripts/stable")).json().path("result").path("script").path("etag").asText();
    }

    @Test
    void namespaces_list_create_get_rename_delete() {
        t.createNamespace("temp-ns");
        JsonNode list = t.get(t.accountApi(NS)).json();
        assertThat(list.path("success").asBoolean()).isTrue();
        assertThat(list.path("result").findValuesAsText("namespace_name")).contains("prod", "temp-ns");
        JsonNode one = t.get(t.accountApi(NS + "/temp-ns")).json().path("result");
        assertThat(one.path("namespace_id").asText()).hasSize(36);
        assertThat(one.path("script_count").asInt()).isZero();

        TestServer.Reply renamed = t.send(t.authed(t.accountApi(NS + "/temp-ns")).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"renamed-ns\"}")));
        assertThat(renamed.json().path("result").path("namespace_name").asText()).isEqualTo("renamed-ns");
        assertThat(t.get(t.accountApi(NS + "/temp-ns")).status()).isEqualTo(404);

        assertThat(t.delete(t.accountApi(NS + "/renamed-ns")).status()).isEqualTo(200);
        assertThat(t.get(t.accountApi(NS + "/renamed-ns")).status()).isEqualTo(404);
    }

    @Test
    void namespace_script_count_follows_uploads_and_deletes() {
        t.createNamespace("counted");
        assertThat(scriptCount("counted")).isZero();
        for (String name : List.of("one", "two")) {
            assertThat(t.putJs(t.accountApi(NS + "/counted/scripts/" + name),
                    "addEventListener('fetch', (e) => e.respondWith(new Response('" + name + "')));").status()).isEqualTo(200);
        }
        assertThat(t.get(t.accountApi(NS + "/counted/scripts")).json().path("result").size()).isEqualTo(2);
        assertThat(scriptCount("counted")).isEqualTo(2);
        assertThat(t.delete(t.accountApi(NS + "/counted/scripts/one")).status()).isEqualTo(200);
        assertThat(scriptCount("counted")).isEqualTo(1);
        JsonNode listed = null;
        for (JsonNode n : t.get(t.accountApi(NS)).json().path("result")) {
            if (n.path("namespace_name").asText().equals("counted")) {
                listed = n;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("script_count").asInt()).isEqualTo(1);
    }

    static int scriptCount(String namespace) {
        TestServer.Reply r = t.get(t.accountApi(NS + "/" + namespace));
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("result").path("script_count").asInt(-1);
    }

    @Test
    void duplicate_namespace_is_a_conflict() {
        TestServer.Reply r = t.postJson(t.accountApi(NS), "{\"name\":\"prod\"}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.message()).contains("already exists");
    }

    @Test
    void raw_service_worker_upload_then_get_then_delete() {
        TestServer.Reply up = t.putJs(t.accountApi(NS + "/prod/scripts/raw-one"),
                "addEventListener('fetch', (e) => e.respondWith(new Response('raw ok')));");
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.json().path("result").path("etag").asText()).isNotEmpty();
        assertThat(up.json().path("result").path("startup_time_ms").isNumber()).isTrue();
        assertThat(t.worker("GET", "raw-one.shop.test", "/", null).body()).isEqualTo("raw ok");

        JsonNode meta = t.get(t.accountApi(NS + "/prod/scripts/raw-one")).json().path("result");
        assertThat(meta.path("dispatch_namespace").asText()).isEqualTo("prod");
        assertThat(meta.path("script").path("id").asText()).isEqualTo("raw-one");
        assertThat(meta.path("script").path("has_modules").asBoolean()).isFalse();

        assertThat(t.delete(t.accountApi(NS + "/prod/scripts/raw-one")).status()).isEqualTo(200);
        TestServer.Reply gone = t.worker("GET", "raw-one.shop.test", "/", null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).startsWith("Worker not found");
        assertThat(t.get(t.accountApi(NS + "/prod/scripts/raw-one")).code()).isEqualTo(10007);
    }

    @Test
    void multipart_es_modules_with_two_js_modules_and_a_text_module() {
        TestServer.Multipart body = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"main.js\",\"compatibility_date\":\"2024-06-01\","
                        + "\"bindings\":[{\"type\":\"plain_text\",\"name\":\"GREETING\",\"text\":\"Hi\"},"
                        + "{\"type\":\"json\",\"name\":\"CONF\",\"json\":{\"n\":2}},"
                        + "{\"type\":\"secret_text\",\"name\":\"KEY\",\"text\":\"s3cret\"}]}")
                .file("main.js", "main.js", "application/javascript+module", """
                        import { shout } from './util.js';
                        import motd from './motd.txt';
                        export default { fetch(request, env) {
                          return new Response(shout(env.GREETING) + ' ' + motd + ' ' + env.CONF.n + ' ' + env.KEY.length);
                        } };""")
                .file("util", "util.js", "application/javascript+module", "export const shout = (s) => s.toUpperCase() + '!';")
                .file("motd.txt", "motd.txt", "text/plain", "have a nice day");
        TestServer.Reply up = t.putMultipart(t.accountApi(NS + "/prod/scripts/modular"), body);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(t.worker("GET", "modular.shop.test", "/", null).body()).isEqualTo("HI! have a nice day 2 6");

        JsonNode script = t.get(t.accountApi(NS + "/prod/scripts/modular")).json().path("result").path("script");
        assertThat(script.path("has_modules").asBoolean()).isTrue();
        assertThat(script.path("compatibility_date").asText()).isEqualTo("2024-06-01");
        assertThat(script.path("modules").findValuesAsText("name")).containsExactlyInAnyOrder("main.js", "util.js", "motd.txt");
        assertThat(script.toString()).doesNotContain("s3cret");
        assertThat(t.get(t.accountApi(NS + "/prod/scripts")).json().path("result").findValuesAsText("id")).contains("modular", "stable");
    }

    @Test
    void modules_named_by_their_import_specifiers_as_wrangler_names_the_files_it_adds_are_served() {
        // wrangler deploy of `import greeting from './greeting.txt'` sends the file as './<hash>-greeting.txt'.
        TestServer.Multipart body = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"./index.js\",\"compatibility_date\":\"2024-06-01\"}")
                .file("index.js", "index.js", "application/javascript+module", """
                        import greeting from './0a1b2c-greeting.txt';
                        import bytes from './0a1b2c-blob.bin';
                        export default { fetch() { return new Response(greeting + ' ' + bytes.byteLength); } };""")
                .file("./0a1b2c-greeting.txt", "./0a1b2c-greeting.txt", "text/plain", "hello text module")
                .file("./0a1b2c-blob.bin", "./0a1b2c-blob.bin", "application/octet-stream", "0123456789abcdef");
        TestServer.Reply up = t.putMultipart(t.accountApi(NS + "/prod/scripts/bundled-files"), body);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(t.worker("GET", "bundled-files.shop.test", "/", null).body()).isEqualTo("hello text module 16");
        JsonNode script = t.get(t.accountApi(NS + "/prod/scripts/bundled-files")).json().path("result").path("script");
        assertThat(script.path("modules").findValuesAsText("name"))
                .containsExactlyInAnyOrder("index.js", "0a1b2c-greeting.txt", "0a1b2c-blob.bin");
        // Anything else that leaves the upload is still refused.
        TestServer.Multipart escaping = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"index.js\"}")
                .file("index.js", "index.js", "application/javascript+module", "export default { fetch() {} };")
                .file("./../x.txt", "./../x.txt", "text/plain", "x");
        TestServer.Reply refused = t.putMultipart(t.accountApi(NS + "/prod/scripts/bundled-escape"), escaping);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("'..' path segment");
    }

    /** A module exporting {@code add(a, b)}: what wrangler uploads for {@code import add from './add.wasm'}. */
    private static final byte[] ADD_WASM = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
        0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
        0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
    };

    private static TestServer.Multipart withWasm(byte[] wasm) {
        return new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"index.js\"}")
                .file("index.js", "index.js", "application/javascript+module", """
                        import mod from './0a1b2c-add.wasm';
                        const { exports } = new WebAssembly.Instance(mod);
                        export default { fetch() { return new Response('2 + 3 = ' + exports.add(2, 3)); } };""")
                .file("./0a1b2c-add.wasm", "./0a1b2c-add.wasm", "application/wasm", wasm);
    }

    @Test
    void a_webassembly_module_part_is_compiled_served_and_given_back_as_uploaded() {
        TestServer.Reply up = t.putMultipart(t.accountApi(NS + "/prod/scripts/wasm"), withWasm(ADD_WASM));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(t.worker("GET", "wasm.shop.test", "/", null).body()).isEqualTo("2 + 3 = 5");
        TestServer.Reply content = t.get(t.accountApi(NS + "/prod/scripts/wasm/content"));
        assertThat(content.status()).isEqualTo(200);
        assertThat(content.body()).contains("Content-Type: application/wasm\r\n\r\n\u0000asm\u0001\u0000\u0000\u0000");
    }

    @Test
    void a_webassembly_module_that_does_not_compile_is_refused_and_changes_nothing() {
        TestServer.Reply up = t.putMultipart(t.accountApi(NS + "/prod/scripts/wasm-kept"), withWasm(ADD_WASM));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        byte[] broken = ADD_WASM.clone();
        broken[broken.length - 3] = 0x05; // add's body reads local 5, which it does not have
        assertRefused(t.putMultipart(t.accountApi(NS + "/prod/scripts/wasm-kept"), withWasm(broken)), 400, 10021,
                "WebAssembly module \"0a1b2c-add.wasm\" does not compile: CompileError");
        assertRefused(t.putMultipart(t.accountApi(NS + "/prod/scripts/wasm-kept"), withWasm("plain text".getBytes())),
                400, 10021, "module \"0a1b2c-add.wasm\" is not a WebAssembly module");
        assertThat(t.worker("GET", "wasm-kept.shop.test", "/", null).body()).isEqualTo("2 + 3 = 5");
    }

    @Test
    void a_first_upload_is_created_and_modified_at_one_moment() {
        for (int i = 0; i < 5; i++) {
            TestServer.Reply up = t.putJs(t.accountApi(NS + "/prod/scripts/fresh-" + i),
                    "addEventListener('fetch', (e) => e.respondWith(new Response('fresh')));");
            JsonNode result = up.json().path("result");
            assertThat(result.path("created_on").asText()).isNotEmpty().isEqualTo(result.path("modified_on").asText());
            JsonNode version = t.get(t.accountApi(NS + "/prod/scripts/fresh-" + i + "/versions")).json()
                    .path("result").path("items").path(0).path("metadata");
            assertThat(version.path("created_on").asText()).isEqualTo(result.path("created_on").asText());
            assertThat(t.delete(t.accountApi(NS + "/prod/scripts/fresh-" + i)).status()).isEqualTo(200);
        }
    }

    @Test
    void plain_worker_put_get_delete() {
        TestServer.Reply up = t.putModule(t.accountApi("/workers/scripts/plain-one"),
                "{\"main_module\":\"p.js\"}", "p.js", "export default { fetch() { return new Response('plain'); } };");
        assertThat(up.status()).isEqualTo(200);
        assertThat(t.worker("GET", "plain-one.localhost", "/", null).body()).isEqualTo("plain");
        TestServer.Reply content = t.get(t.accountApi("/workers/scripts/plain-one"));
        assertThat(content.headers().firstValue("content-type").orElse("")).startsWith("multipart/form-data");
        assertThat(content.body()).contains("return new Response('plain')");
        assertThat(t.delete(t.accountApi("/workers/scripts/plain-one")).status()).isEqualTo(200);
        assertThat(t.worker("GET", "plain-one.localhost", "/", null).status()).isEqualTo(404);
    }

    // ---- bad input: each a clear error, nothing stored changes

    void assertRefused(TestServer.Reply r, int status, int code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.code()).as(r.body()).isEqualTo(code);
        assertThat(r.message()).contains(messagePart);
    }

    void assertStableUnchanged(String etagBefore) {
        assertThat(stableEtag()).isEqualTo(etagBefore);
        assertThat(t.worker("GET", "stable.shop.test", "/", null).body()).isEqualTo("stable v1");
    }

    @Test
    void unknown_namespace() {
        assertRefused(t.putJs(t.accountApi(NS + "/nope/scripts/x"), "addEventListener('fetch', e => e.respondWith(new Response('')));"),
                404, 100119, "nope");
        assertRefused(t.get(t.accountApi(NS + "/nope")), 404, 100119, "nope");
    }

    @Test
    void a_compatibility_date_in_the_future_is_refused() {
        String code = "export default { fetch() { return new Response('dated'); } };";
        TestServer.Reply future = t.putModule(t.accountApi("/workers/scripts/dated"),
                "{\"main_module\":\"d.js\",\"compatibility_date\":\"2999-01-01\"}", "d.js", code);
        assertThat(future.status()).as(future.body()).isEqualTo(400);
        assertThat(future.message()).isEqualTo("compatibility_date 2999-01-01 is in the future; use today's date or an "
                + "earlier one.");
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(t.putModule(t.accountApi("/workers/scripts/dated"),
                "{\"main_module\":\"d.js\",\"compatibility_date\":\"" + today + "\"}", "d.js", code).status())
                .isEqualTo(200);
    }

    @Test
    void invalid_script_name() {
        assertRefused(t.putJs(t.accountApi(NS + "/prod/scripts/Bad.Name"), "addEventListener('fetch', e => {});"),
                400, 10016, "Invalid script name");
    }

    @Test
    void upload_with_unicode_property_escapes_is_accepted_and_runs() {
        // The top-level regular expressions of a Markdown parser, and a slug made the usual way:
        // both need the engine's ICU (the upload was refused with 10021 without it).
        TestServer.Reply up = t.putModule(t.accountApi(NS + "/prod/scripts/unicode"), "{\"main_module\":\"u.js\"}", "u.js", """
                const wordChar = /[\\p{L}\\p{N}]/u;
                const punctuation = /[\\p{P}\\p{S}]/u;
                const slug = (s) => s.normalize('NFD').replace(/\\p{M}/gu, '').toLowerCase()
                  .split(/[^\\p{L}\\p{N}]+/u).filter(Boolean).join('-');
                export default { fetch() {
                  const price = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(12.5);
                  return new Response([slug('Crème brûlée à Paris!'), wordChar.test('é'), punctuation.test('¿'), price].join(' '));
                } };""");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(t.worker("GET", "unicode.shop.test", "/", null).body())
                .isEqualTo("creme-brulee-a-paris true true 12,50\u00a0€");
    }

    @Test
    void syntax_error_is_10021_with_line_and_changes_nothing() {
        String etag = stableEtag();
        TestServer.Reply r = t.putJs(t.accountApi(NS + "/prod/scripts/stable"),
                "addEventListener('fetch', (e) => {\n  e.respondWith(new Response('x');\n});");
        assertRefused(r, 400, 10021, "SyntaxError");
        assertThat(r.message()).contains("worker.js:2");
        assertStableUnchanged(etag);
    }

    @Test
    void script_without_fetch_handler() {
        String etag = stableEtag();
        assertRefused(t.putJs(t.accountApi(NS + "/prod/scripts/stable"), "const nothing = 1;"), 400, 10021,
                "No event handlers");
        assertRefused(t.putModule(t.accountApi(NS + "/prod/scripts/stable"), "{\"main_module\":\"a.js\"}", "a.js",
                "export default {};"), 400, 10021, "fetch");
        assertStableUnchanged(etag);
    }

    @Test
    void multipart_without_metadata() {
        String etag = stableEtag();
        assertRefused(t.putMultipart(t.accountApi(NS + "/prod/scripts/stable"), new TestServer.Multipart()
                .file("a.js", "a.js", "application/javascript+module", "export default { fetch() {} };")),
                400, 10014, "metadata");
        assertStableUnchanged(etag);
    }

    @Test
    void metadata_that_is_not_json() {
        String etag = stableEtag();
        assertRefused(t.putMultipart(t.accountApi(NS + "/prod/scripts/stable"), new TestServer.Multipart()
                .json("metadata", "{main_module: a.js")
                .file("a.js", "a.js", "application/javascript+module", "export default { fetch() {} };")),
                400, 10014, "not valid JSON");
        assertStableUnchanged(etag);
    }

    @Test
    void main_module_naming_no_part() {
        String etag = stableEtag();
        assertRefused(t.putModule(t.accountApi(NS + "/prod/scripts/stable"), "{\"main_module\":\"missing.js\"}", "a.js",
                "export default { fetch() { return new Response('') } };"), 400, 10014, "missing.js");
        assertStableUnchanged(etag);
    }

    @Test
    void script_over_the_size_limit() {
        // The limit (256 KB here) counts the upload after gzip compression, as Workers do.
        String etag = stableEtag();
        byte[] noise = new byte[300 * 1024];
        new java.util.Random(7).nextBytes(noise);
        String big = "addEventListener('fetch', e => e.respondWith(new Response('')));\n//"
                + java.util.Base64.getEncoder().encodeToString(noise);
        assertRefused(t.putJs(t.accountApi(NS + "/prod/scripts/stable"), big), 413, 10027, "after gzip compression");
        // Uncompressed it may be eight times the limit: 2 MiB here.
        String huge = "//" + "x".repeat(2 * 1024 * 1024);
        TestServer.Reply r = t.putJs(t.accountApi(NS + "/prod/scripts/stable"), huge);
        assertRefused(r, 413, 10027, "before compression");
        assertStableUnchanged(etag);
        // Over the limit uncompressed, under it compressed: served.
        String compressible = "addEventListener('fetch', e => e.respondWith(new Response('large but compressible')));\n//"
                + "x".repeat(300 * 1024);
        TestServer.Reply up = t.putJs(t.accountApi(NS + "/prod/scripts/compressible"), compressible);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(t.worker("GET", "compressible.shop.test", "/", null).body()).isEqualTo("large but compressible");
        // Only script uploads may be larger than the limit: other bodies are held to it.
        // (The limit plus 1 MB of framing: 1.25 MB here.)
        TestServer.Reply other = t.postJson(t.accountApi("/workers/dispatch/namespaces"),
                "{\"name\":\"" + "n".repeat(1536 * 1024) + "\"}");
        assertRefused(other, 413, 10027, "but a script upload");
    }

    @Test
    void unsupported_binding_type_is_named() {
        assertRefused(t.putModule(t.accountApi(NS + "/prod/scripts/kv-user"),
                "{\"main_module\":\"a.js\",\"bindings\":[{\"type\":\"kv_namespace\",\"name\":\"KV\",\"namespace_id\":\"x\"}]}",
                "a.js", "export default { fetch() { return new Response('') } };"), 400, 10021, "kv_namespace");
    }

    @Test
    void missing_invalid_token_and_wrong_account() {
        TestServer.Reply missing = t.send(HttpRequest.newBuilder(URI.create(t.accountApi(NS))).GET());
        assertRefused(missing, 401, 9106, "Authorization");
        TestServer.Reply invalid = t.send(HttpRequest.newBuilder(URI.create(t.accountApi(NS)))
                .header("Authorization", "Bearer wrong").GET());
        assertRefused(invalid, 403, 10000, "Authentication");
        TestServer.Reply legacy = t.send(HttpRequest.newBuilder(URI.create(t.accountApi(NS)))
                .header("X-Auth-Email", "a@b.test").header("X-Auth-Key", TestServer.TOKEN).GET());
        assertThat(legacy.status()).isEqualTo(200);
        assertRefused(t.get(t.api("/accounts/someone-else" + NS)), 403, 9109, "someone-else");
    }

    @Test
    void unknown_api_path_and_unknown_route_host() {
        assertRefused(t.get(t.api("/nothing/here")), 404, 7000, "No route");
        assertRefused(t.get(t.accountApi("/r2/buckets")), 501, 10501, "not supported by tenantd: GET /client/v4/accounts/");
        assertRefused(t.get(t.accountApi("/workers/scripts/x/schedules")), 501, 10501, "not supported by tenantd");
        TestServer.Reply r = t.worker("GET", "unrouted.example.org", "/", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).contains("No worker is routed");
        assertThat(t.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.apiPort() + "/healthz")).GET())
                .status()).isEqualTo(200);
    }

    @Test
    void concurrent_uploads_of_one_script_all_land_as_versions() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<TestServer.Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                replies.add(pool.submit(() -> t.putJs(t.accountApi(NS + "/prod/scripts/busy"),
                        "addEventListener('fetch', e => e.respondWith(new Response('v" + n + "')));")));
            }
            for (var f : replies) {
                assertThat(f.get().status()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        String body = t.worker("GET", "busy.shop.test", "/", null).body();
        assertThat(body).matches("v[0-5]");
        assertThat(t.get(t.accountApi(NS + "/prod/scripts/busy")).json().path("result").path("script")
                .path("etag").asText()).isNotEmpty();
    }
}
