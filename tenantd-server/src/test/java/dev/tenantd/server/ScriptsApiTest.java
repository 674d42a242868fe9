package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.Route;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-script API over real HTTP: versions and percentage deployments served at
 * request time, rollback, secrets, tags (filters, paging, bulk delete), settings,
 * bindings and content, on user workers and plain workers.
 */
class ScriptsApiTest {
    @TempDir
    static Path dir;
    static TestServer t;

    static final String NS = "/workers/dispatch/namespaces/apps/scripts";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.apps.test/*=front")));
        t.createNamespace("apps");
        String front = """
                export default { async fetch(request, env) {
                  const name = new URL(request.url).hostname.split('.')[0];
                  try { return await env.APPS.get(name).fetch(request); }
                  catch (e) { return new Response(e.message, { status: 404 }); }
                } };""";
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-09-01\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"APPS\",\"namespace\":\"apps\"}]}",
                "f.js", front).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static TestServer.Reply upload(String name, String metadata, String body) {
        return t.putModule(t.accountApi(NS + "/" + name), metadata, "w.js",
                "export default { fetch(request, env) { " + body + " } };");
    }

    static String serve(String name) {
        TestServer.Reply r = t.worker("GET", name + ".apps.test", "/", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    static TestServer.Reply send(String method, String url, String contentType, String body) {
        HttpRequest.Builder b = t.authed(url);
        if (contentType != null) {
            b.header("content-type", contentType);
        }
        return t.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    static JsonNode ok(TestServer.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        return r.json().path("result");
    }

    static void refused(TestServer.Reply r, int status, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.json().path("errors").path(0).path("code").asInt()).isPositive();
        assertThat(r.message()).contains(messagePart);
    }

    @Test
    void versions_deploy_by_percentage_at_request_time_and_roll_back_at_once() {
        JsonNode first = ok(upload("split", "{\"main_module\":\"w.js\"}", "return new Response('one');"));
        String v1 = first.path("version_id").asText();
        assertThat(first.path("etag").asText()).isNotEmpty();
        assertThat(first.has("startup_time_ms")).isTrue();

        // a version that is stored but not deployed does not serve
        TestServer.Reply stored = send("POST", t.accountApi(NS + "/split/versions"),
                new TestServer.Multipart().contentType(), null);
        refused(stored, 400, "metadata");
        TestServer.Multipart second = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"w.js\",\"annotations\":{\"workers/message\":\"second\"}}")
                .file("w.js", "w.js", "application/javascript+module", "export default { fetch() { return new Response('two'); } };");
        JsonNode v2json = ok(t.send(t.authed(t.accountApi(NS + "/split/versions")).header("content-type", second.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(second.bytes()))));
        String v2 = v2json.path("id").asText();
        assertThat(v2json.path("number").asInt()).isEqualTo(2);
        assertThat(v2json.path("resources").path("script").path("etag").asText()).isNotEmpty();
        assertThat(serve("split")).isEqualTo("one");

        JsonNode versions = ok(t.get(t.accountApi(NS + "/split/versions"))).path("items");
        assertThat(versions.findValuesAsText("id")).containsExactly(v2, v1);
        TestServer.Reply paged = t.get(t.accountApi(NS + "/split/versions?per_page=1&page=2"));
        assertThat(ok(paged).path("items").findValuesAsText("id")).containsExactly(v1);
        assertThat(paged.json().path("result_info").path("total_count").asInt()).isEqualTo(2);
        assertThat(ok(t.get(t.accountApi(NS + "/split/versions?limit=1"))).path("items").findValuesAsText("id"))
                .containsExactly(v2);

        // bad deployments change nothing
        refused(t.postJson(t.accountApi(NS + "/split/deployments"),
                "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\"" + v1 + "\",\"percentage\":50}]}"), 400, "add up to 100");
        refused(t.postJson(t.accountApi(NS + "/split/deployments"),
                "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\"nope\",\"percentage\":100}]}"), 404, "nope");
        assertThat(serve("split")).isEqualTo("one");

        JsonNode deployment = ok(t.postJson(t.accountApi(NS + "/split/deployments"), "{\"strategy\":\"percentage\",\"versions\":["
                + "{\"version_id\":\"" + v1 + "\",\"percentage\":50},{\"version_id\":\"" + v2 + "\",\"percentage\":50}],"
                + "\"annotations\":{\"workers/message\":\"half and half\"}}"));
        assertThat(deployment.path("versions").findValuesAsText("version_id")).containsExactly(v1, v2);
        int ones = 0;
        int twos = 0;
        for (int i = 0; i < 1000; i++) {
            String body = serve("split");
            if (body.equals("one")) {
                ones++;
            } else if (body.equals("two")) {
                twos++;
            }
        }
        assertThat(ones + twos).isEqualTo(1000);
        assertThat(ones).as("share of version 1 in 1,000 requests").isBetween(400, 600);

        JsonNode history = ok(t.get(t.accountApi(NS + "/split/deployments"))).path("deployments");
        assertThat(history.size()).isEqualTo(2);
        assertThat(history.path(0).path("annotations").path("workers/message").asText()).isEqualTo("half and half");

        // roll back: the deployment before serves again, from the next request on
        ok(t.postJson(t.accountApi(NS + "/split/deployments"),
                "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\"" + v1 + "\",\"percentage\":100}]}"));
        for (int i = 0; i < 50; i++) {
            assertThat(serve("split")).isEqualTo("one");
        }
        assertThat(ok(t.get(t.accountApi(NS + "/split"))).path("script").path("version_id").asText()).isEqualTo(v1);
        assertThat(t.get(t.accountApi(NS + "/split/versions/nope")).json().path("errors").path(0).path("code").asInt())
                .as("an unknown version is not 'worker not found' (10007), which wrangler reads as a first deploy")
                .isEqualTo(10223);
    }

    @Test
    void secrets_and_settings_do_not_change_while_traffic_is_split() {
        String v1 = ok(upload("canary", "{\"main_module\":\"w.js\"}", "return new Response('one');")).path("version_id").asText();
        TestServer.Multipart second = new TestServer.Multipart().json("metadata", "{\"main_module\":\"w.js\"}")
                .file("w.js", "w.js", "application/javascript+module", "export default { fetch() { return new Response('two'); } };");
        String v2 = ok(t.send(t.authed(t.accountApi(NS + "/canary/versions")).header("content-type", second.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(second.bytes())))).path("id").asText();
        ok(t.postJson(t.accountApi(NS + "/canary/deployments"), "{\"versions\":[{\"version_id\":\"" + v1
                + "\",\"percentage\":90},{\"version_id\":\"" + v2 + "\",\"percentage\":10}]}"));
        TestServer.Reply refused = send("PUT", t.accountApi(NS + "/canary/secrets"), "application/json", "{\"name\":\"K\",\"text\":\"v\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.message()).contains("split");
        JsonNode deployments = ok(t.get(t.accountApi(NS + "/canary/deployments"))).path("deployments");
        assertThat(deployments.path(0).path("versions").size()).as("the split stays").isEqualTo(2);
    }

    @Test
    void paging_with_huge_numbers_is_answered_not_failed() {
        ok(upload("p-one", "{\"main_module\":\"w.js\"}", "return new Response('p');"));
        String cursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("1".getBytes());
        assertThat(t.get(t.accountApi(NS + "?limit=2147483647&cursor=" + cursor)).status()).isEqualTo(200);
        TestServer.Reply far = t.get(t.accountApi(NS + "?page=2&per_page=2147483647"));
        assertThat(far.status()).as(far.body()).isEqualTo(200);
        assertThat(far.json().path("result").size()).isZero();
        assertThat(far.json().path("result_info").path("total_pages").asLong()).isEqualTo(1);
    }

    @Test
    void secrets_are_set_listed_by_name_only_kept_across_deploys_and_deleted() throws Exception {
        ok(upload("vault", "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"MODE\",\"text\":\"live\"}]}",
                "return new Response(env.MODE + ':' + env.API_KEY + ':' + env.OTHER);"));
        ok(send("PUT", t.accountApi(NS + "/vault/secrets"), "application/json",
                "{\"name\":\"API_KEY\",\"text\":\"s3cr3t-value-1234\",\"type\":\"secret_text\"}"));
        assertThat(serve("vault")).isEqualTo("live:s3cr3t-value-1234:undefined");

        TestServer.Reply list = t.get(t.accountApi(NS + "/vault/secrets"));
        assertThat(ok(list).findValuesAsText("name")).containsExactly("API_KEY");
        assertThat(list.body()).doesNotContain("s3cr3t-value-1234");
        assertThat(t.get(t.accountApi(NS + "/vault/secrets/API_KEY")).body()).doesNotContain("s3cr3t");
        assertThat(t.get(t.accountApi(NS + "/vault/bindings")).body()).doesNotContain("s3cr3t").contains("MODE");
        assertThat(t.get(t.accountApi(NS + "/vault/settings")).body()).doesNotContain("s3cr3t");
        refused(t.get(t.accountApi(NS + "/vault/secrets/MISSING")), 404, "MISSING");

        // at rest the value is encrypted: no file under the data directory holds it
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain("s3cr3t-value-1234");
            }
        }

        // a redeploy that keeps secret bindings (as wrangler asks) keeps the secret
        ok(upload("vault", "{\"main_module\":\"w.js\",\"keep_bindings\":[\"secret_text\"],"
                + "\"bindings\":[{\"type\":\"plain_text\",\"name\":\"MODE\",\"text\":\"test\"}]}",
                "return new Response(env.MODE + ':' + env.API_KEY + ':' + env.OTHER);"));
        assertThat(serve("vault")).isEqualTo("test:s3cr3t-value-1234:undefined");

        ok(send("PATCH", t.accountApi(NS + "/vault/secrets-bulk"), "application/json",
                "{\"secrets\":{\"OTHER\":{\"name\":\"OTHER\",\"text\":\"o\",\"type\":\"secret_text\"},\"API_KEY\":null}}"));
        assertThat(serve("vault")).isEqualTo("test:undefined:o");

        ok(send("DELETE", t.accountApi(NS + "/vault/secrets/OTHER"), null, null));
        assertThat(serve("vault")).isEqualTo("test:undefined:undefined");
        // a worker with more secrets than the cap (an upload brings any number) may still lose some, but not gain
        StringBuilder many = new StringBuilder("{\"main_module\":\"w.js\",\"bindings\":[");
        for (int i = 0; i < dev.tenantd.platform.Scripts.MAX_SECRETS + 2; i++) {
            many.append(i == 0 ? "" : ",").append("{\"type\":\"secret_text\",\"name\":\"S").append(i)
                    .append("\",\"text\":\"v\"}");
        }
        ok(upload("crowded", many.append("]}").toString(), "return new Response(env.S0 + env.S129);"));
        ok(send("DELETE", t.accountApi(NS + "/crowded/secrets/S0"), null, null));
        assertThat(serve("crowded")).isEqualTo("undefinedv");
        refused(send("PUT", t.accountApi(NS + "/crowded/secrets"), "application/json", "{\"name\":\"EXTRA\",\"text\":\"x\"}"),
                400, "at most " + dev.tenantd.platform.Scripts.MAX_SECRETS);
        refused(send("DELETE", t.accountApi(NS + "/vault/secrets/OTHER"), null, null), 404, "OTHER");
        refused(send("PUT", t.accountApi(NS + "/vault/secrets"), "application/json", "{\"name\":\"X\"}"), 400, "text");
        refused(send("DELETE", t.accountApi(NS + "/vault/secrets/MODE"), null, null), 404, "not a secret");
        // a secret neither takes the name of another binding nor grows without bound; nothing changes
        refused(send("PUT", t.accountApi(NS + "/vault/secrets"), "application/json", "{\"name\":\"MODE\",\"text\":\"x\"}"),
                400, "plain_text binding");
        refused(send("PUT", t.accountApi(NS + "/vault/secrets"), "application/json",
                "{\"name\":\"BIG\",\"text\":\"" + "x".repeat(5 * 1024 + 1) + "\"}"), 400, "5120 bytes");
        assertThat(serve("vault")).isEqualTo("test:undefined:undefined");

        // an upload without keep_bindings replaces every binding but the secrets, which outlive uploads
        ok(send("PUT", t.accountApi(NS + "/vault/secrets"), "application/json", "{\"name\":\"API_KEY\",\"text\":\"k\"}"));
        ok(upload("vault", "{\"main_module\":\"w.js\"}", "return new Response(env.MODE + ':' + env.API_KEY);"));
        assertThat(serve("vault")).isEqualTo("undefined:k");
        ok(upload("vault", "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"API_KEY\",\"text\":\"plain\"}]}",
                "return new Response(env.API_KEY);"));
        assertThat(serve("vault")).isEqualTo("plain");
        assertThat(ok(t.get(t.accountApi(NS + "/vault/secrets"))).size()).isZero();
    }

    @Test
    void a_versions_bindings_hold_a_bounded_amount_and_a_refused_upload_changes_nothing() {
        ok(upload("bounded", "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"M\","
                + "\"text\":\"kept\"}]}", "return new Response(env.M);"));
        // extra fields of empty objects: a few bytes of text each, far more as a tree in memory
        String padded = "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"P\",\"text\":\"\","
                + "\"pad\":[" + "{},".repeat(30_000) + "{}]}]}";
        refused(uploadLarge("bounded", padded), 400, "more than 20000 JSON values");
        StringBuilder many = new StringBuilder("{\"main_module\":\"w.js\",\"bindings\":[");
        for (int i = 0; i <= 1_000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"type\":\"plain_text\",\"name\":\"V").append(i)
                    .append("\",\"text\":\"v\"}");
        }
        refused(uploadLarge("bounded", many.append("]}").toString()), 400,
                "1001 bindings; a worker has at most 1000");
        String wide = "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"json\",\"name\":\"J\",\"json\":\""
                + "x".repeat(1 << 20) + "\"}]}";
        refused(uploadLarge("bounded", wide), 400, "characters of JSON together");
        assertThat(serve("bounded")).isEqualTo("kept");

        // secrets set later are held to the same bounds: 200 one-byte secrets, then all replaced
        // by 5 KB ones, would hold 1.4 MB of ciphertext
        StringBuilder secrets = new StringBuilder("{\"main_module\":\"w.js\",\"bindings\":[");
        StringBuilder bulk = new StringBuilder("{\"secrets\":{");
        for (int i = 0; i < 200; i++) {
            secrets.append(i == 0 ? "" : ",").append("{\"type\":\"secret_text\",\"name\":\"S").append(i)
                    .append("\",\"text\":\"v\"}");
            bulk.append(i == 0 ? "" : ",").append("\"S").append(i).append("\":{\"name\":\"S").append(i)
                    .append("\",\"text\":\"").append("x".repeat(5 * 1024)).append("\",\"type\":\"secret_text\"}");
        }
        ok(t.putMultipart(t.accountApi(NS + "/bounded"), new TestServer.Multipart()
                .file("metadata", "metadata.json", "application/json", secrets.append("]}").toString())
                .file("w.js", "w.js", "application/javascript+module",
                        "export default { fetch(request, env) { return new Response(env.S0 + env.S199); } };")));
        refused(send("PATCH", t.accountApi(NS + "/bounded/secrets-bulk"), "application/json", bulk.append("}}").toString()),
                400, "characters of JSON together");
        assertThat(serve("bounded")).isEqualTo("vv");
    }

    /** An upload whose metadata is larger than a form field may be: sent as a file part, as wrangler does. */
    static TestServer.Reply uploadLarge(String name, String metadata) {
        return t.putMultipart(t.accountApi(NS + "/" + name), new TestServer.Multipart()
                .file("metadata", "metadata.json", "application/json", metadata)
                .file("w.js", "w.js", "application/javascript+module",
                        "export default { fetch() { return new Response('replaced'); } };"));
    }

    @Test
    void tags_validate_filter_page_and_bulk_delete() {
        ok(upload("t-a", "{\"main_module\":\"w.js\",\"tags\":[\"cust-1\",\"free\"]}", "return new Response('a');"));
        ok(upload("t-b", "{\"main_module\":\"w.js\",\"tags\":[\"cust-1\"]}", "return new Response('b');"));
        ok(upload("t-c", "{\"main_module\":\"w.js\",\"tags\":[\"cust-2\",\"free\"]}", "return new Response('c');"));

        assertThat(ok(t.get(t.accountApi(NS + "/t-a/tags"))).toString()).isEqualTo("[\"cust-1\",\"free\"]");
        assertThat(names(t.get(t.accountApi(NS + "?tags=cust-1:yes")))).containsExactly("t-a", "t-b");
        assertThat(names(t.get(t.accountApi(NS + "?tags=cust-1:yes,free:no")))).containsExactly("t-b");
        assertThat(names(t.get(t.accountApi(NS + "?tags=free:yes")))).containsExactly("t-a", "t-c");
        refused(t.get(t.accountApi(NS + "?tags=free")), 400, "tag:yes");
        refused(t.get(t.accountApi(NS + "?tags=" + "x:no,".repeat(16) + "free:yes")), 400, "at most 16");
        assertThat(names(t.get(t.accountApi(NS + "?prefix=t-&tags=free:yes&per_page=1&page=2")))).containsExactly("t-c");
        assertThat(names(t.get(t.accountApi(NS + "?prefix=t-b")))).containsExactly("t-b");
        assertThat(names(t.get(t.accountApi(NS + "?prefix=t_")))).isEmpty();

        // tag endpoints
        ok(send("PUT", t.accountApi(NS + "/t-b/tags/paid"), null, null));
        ok(send("DELETE", t.accountApi(NS + "/t-b/tags/cust-1"), null, null));
        assertThat(ok(t.get(t.accountApi(NS + "/t-b/tags"))).toString()).isEqualTo("[\"paid\"]");
        ok(send("PUT", t.accountApi(NS + "/t-b/tags"), "application/json", "[\"cust-1\",\"paid\"]"));
        assertThat(ok(t.get(t.accountApi(NS + "/t-b/tags"))).toString()).isEqualTo("[\"cust-1\",\"paid\"]");

        // at most 8, well-formed; a refusal changes nothing
        refused(send("PUT", t.accountApi(NS + "/t-b/tags"), "application/json",
                "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]"), 400, "at most 8");
        refused(send("PUT", t.accountApi(NS + "/t-b/tags"), "application/json", "[\"has space\"]"), 400, "not valid");
        refused(send("PUT", t.accountApi(NS + "/t-b/tags"), "application/json", "{\"tags\":[]}"), 400, "JSON array");
        refused(upload("t-d", "{\"main_module\":\"w.js\",\"tags\":[\"a,b\"]}", "return new Response('d');"), 400, "not valid");
        assertThat(t.get(t.accountApi(NS + "/t-d")).status()).isEqualTo(404);
        assertThat(ok(t.get(t.accountApi(NS + "/t-b/tags"))).toString()).isEqualTo("[\"cust-1\",\"paid\"]");

        // paging, by page number and by cursor
        TestServer.Reply page2 = t.get(t.accountApi(NS + "?tags=cust-1:yes&per_page=1&page=2"));
        assertThat(names(page2)).containsExactly("t-b");
        assertThat(page2.json().path("result_info").path("total_count").asInt()).isEqualTo(2);
        TestServer.Reply c1 = t.get(t.accountApi(NS + "?tags=cust-1:yes&limit=1"));
        assertThat(names(c1)).containsExactly("t-a");
        String cursor = c1.json().path("result_info").path("cursor").asText();
        assertThat(cursor).isNotEmpty();
        TestServer.Reply c2 = t.get(t.accountApi(NS + "?tags=cust-1:yes&limit=1&cursor=" + cursor));
        assertThat(names(c2)).containsExactly("t-b");
        assertThat(c2.json().path("result_info").path("cursor").asText()).isEmpty();
        refused(t.get(t.accountApi(NS + "?per_page=0")), 400, "per_page");

        // bulk delete by tag
        refused(send("DELETE", t.accountApi(NS), null, null), 400, "tag filter");
        assertThat(ok(send("DELETE", t.accountApi(NS + "?tags=free:yes"), null, null)).toString()).contains("t-a", "t-c");
        assertThat(t.get(t.accountApi(NS + "/t-a")).status()).isEqualTo(404);
        assertThat(t.get(t.accountApi(NS + "/t-c")).status()).isEqualTo(404);
        assertThat(serve("t-b")).isEqualTo("b");
    }

    static List<String> names(TestServer.Reply r) {
        List<String> out = new ArrayList<>();
        ok(r).forEach(s -> out.add(s.path("id").asText()));
        return out.stream().filter(n -> n.startsWith("t-")).toList();
    }

    @Test
    void settings_bindings_and_content_round_trip() {
        ok(upload("conf", "{\"main_module\":\"w.js\",\"compatibility_date\":\"2024-05-01\","
                + "\"bindings\":[{\"type\":\"json\",\"name\":\"CONF\",\"json\":{\"n\":1}},{\"type\":\"secret_text\",\"name\":\"KEY\",\"text\":\"k1\"}]}",
                "return new Response(JSON.stringify(env.CONF) + env.KEY);"));
        JsonNode settings = ok(t.get(t.accountApi(NS + "/conf/settings")));
        assertThat(settings.path("compatibility_date").asText()).isEqualTo("2024-05-01");
        assertThat(settings.path("bindings").findValuesAsText("name")).containsExactly("CONF", "KEY");
        assertThat(settings.path("logpush").asBoolean()).isFalse();

        // PATCH as the SDK sends it: multipart with a JSON part named settings
        TestServer.Multipart patch = new TestServer.Multipart().json("settings",
                "{\"logpush\":true,\"tags\":[\"x\"],\"bindings\":[{\"type\":\"json\",\"name\":\"CONF\",\"json\":{\"n\":2}},"
                + "{\"type\":\"inherit\",\"name\":\"KEY\"}]}");
        JsonNode patched = ok(t.send(t.authed(t.accountApi(NS + "/conf/settings")).header("content-type", patch.contentType())
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(patch.bytes()))));
        assertThat(patched.path("logpush").asBoolean()).isTrue();
        assertThat(patched.path("tags").toString()).isEqualTo("[\"x\"]");
        assertThat(serve("conf")).isEqualTo("{\"n\":2}k1");
        JsonNode bindings = ok(t.get(t.accountApi(NS + "/conf/bindings")));
        assertThat(bindings.findValuesAsText("name")).containsExactly("CONF", "KEY");
        assertThat(bindings.toString()).doesNotContain("k1");

        // a settings change that would break the script is refused and changes nothing
        TestServer.Multipart bad = new TestServer.Multipart().json("settings",
                "{\"bindings\":[{\"type\":\"inherit\",\"name\":\"NOPE\"}]}");
        refused(t.send(t.authed(t.accountApi(NS + "/conf/settings")).header("content-type", bad.contentType())
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bad.bytes()))), 400, "NOPE");
        assertThat(serve("conf")).isEqualTo("{\"n\":2}k1");

        // content: get it back, replace it; bindings and compatibility stay
        TestServer.Reply content = t.get(t.accountApi(NS + "/conf/content"));
        assertThat(content.status()).isEqualTo(200);
        assertThat(content.headers().firstValue("cf-worker-main-module-part")).hasValue("w.js");
        assertThat(content.body()).contains("JSON.stringify(env.CONF)");
        TestServer.Multipart code = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"v2.js\"}")
                .file("v2.js", "v2.js", "application/javascript+module",
                        "export default { fetch(r, env) { return new Response('v2 ' + env.CONF.n + env.KEY); } };");
        ok(t.send(t.authed(t.accountApi(NS + "/conf/content")).header("content-type", code.contentType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(code.bytes()))));
        assertThat(serve("conf")).isEqualTo("v2 2k1");
        assertThat(ok(t.get(t.accountApi(NS + "/conf/settings"))).path("compatibility_date").asText()).isEqualTo("2024-05-01");
    }

    @Test
    void a_settings_patch_with_one_bad_field_changes_nothing() {
        ok(upload("strict", "{\"main_module\":\"w.js\",\"compatibility_date\":\"2024-05-01\","
                + "\"bindings\":[{\"type\":\"plain_text\",\"name\":\"V\",\"text\":\"one\"}]}",
                "return new Response(env.V);"));
        String url = t.accountApi(NS + "/strict/settings");
        String before = ok(t.get(url)).toString();
        String versionsBefore = ok(t.get(t.accountApi(NS + "/strict/versions"))).toString();
        String good = "\"compatibility_date\":\"2024-09-01\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"V\","
                + "\"text\":\"two\"}],\"logpush\":true";
        // each body is valid but for its last field
        refused(send("PATCH", url, "application/json", "{" + good + ",\"tags\":\"x\"}"), 400, "tags");
        refused(send("PATCH", url, "application/json", "{" + good + ",\"tags\":[\"1\",\"2\",\"3\",\"4\",\"5\","
                + "\"6\",\"7\",\"8\",\"9\"]}"), 400, "at most 8 tags");
        refused(send("PATCH", url, "application/json", "{" + good + ",\"tail_consumers\":[{\"service\":\"missing\"}]}"),
                400, "missing");
        refused(send("PATCH", url, "application/json", "{" + good + ",\"usage_model\":{\"x\":1}}"), 400, "usage_model");
        refused(send("PATCH", url, "application/json", "{\"logpush\":\"yes\"}"), 400, "logpush");
        refused(send("PATCH", url, "application/json", "{\"placement\":\"smart\"}"), 400, "placement");
        refused(send("PATCH", url, "application/json", "{\"placement\":{\"mode\":\"" + "x".repeat(2000) + "\"}}"),
                400, "placement");
        refused(send("PATCH", url, "application/json", "{\"compatibility_date\":20240901}"), 400, "compatibility_date");
        refused(send("PATCH", t.accountApi(NS + "/strict/script-settings"), "application/json",
                "{\"tags\":[\"a\"],\"tail_consumers\":[{\"service\":\"missing\"}]}"), 400, "missing");
        assertThat(ok(t.get(url)).toString()).isEqualTo(before);
        assertThat(ok(t.get(t.accountApi(NS + "/strict/versions"))).toString()).isEqualTo(versionsBefore);
        assertThat(serve("strict")).isEqualTo("one");

        ok(send("PATCH", url, "application/json", "{\"compatibility_date\":null}")); // null: left as it is
        assertThat(ok(t.get(url)).path("compatibility_date").asText()).isEqualTo("2024-05-01");

        // the same fields, all valid, apply together
        JsonNode patched = ok(send("PATCH", url, "application/json", "{" + good + ",\"tags\":[\"x\"],"
                + "\"placement\":{\"mode\":\"smart\"},\"usage_model\":\"standard\"}"));
        assertThat(patched.path("compatibility_date").asText()).isEqualTo("2024-09-01");
        assertThat(patched.path("logpush").asBoolean()).isTrue();
        assertThat(patched.path("tags").toString()).isEqualTo("[\"x\"]");
        assertThat(patched.path("placement").path("mode").asText()).isEqualTo("smart");
        assertThat(serve("strict")).isEqualTo("two");
    }

    @Test
    void plain_worker_lookups_that_wrangler_makes_before_a_first_and_a_later_deploy() {
        refused(t.get(t.accountApi("/workers/services/fresh")), 404, "fresh");
        assertThat(t.get(t.accountApi("/workers/services/fresh")).json().path("errors").path(0).path("code").asInt()).isEqualTo(10090);
        assertThat(t.get(t.accountApi("/workers/scripts/fresh/deployments")).json().path("errors").path(0).path("code").asInt())
                .isEqualTo(10007);
        assertThat(t.get(t.accountApi("/workers/scripts/fresh/settings")).status()).isEqualTo(404);

        JsonNode service = ok(t.get(t.accountApi("/workers/services/front")));
        assertThat(service.path("default_environment").path("script").path("etag").asText()).isNotEmpty();
        assertThat(ok(t.get(t.accountApi("/workers/scripts/front/deployments"))).path("deployments").size()).isEqualTo(1);
        assertThat(ok(t.get(t.accountApi("/workers/subdomain"))).path("subdomain").asText()).isNotEmpty();
        assertThat(ok(t.postJson(t.accountApi("/workers/scripts/front/subdomain"), "{\"enabled\":false}"))
                .path("enabled").asBoolean()).isFalse();
        assertThat(ok(t.get(t.accountApi("/workers/scripts/front/subdomain"))).path("enabled").asBoolean()).isFalse();
        ok(send("PATCH", t.accountApi("/workers/scripts/front/script-settings"), "application/json",
                "{\"logpush\":false,\"observability\":{\"enabled\":true}}"));
        assertThat(ok(t.get(t.accountApi("/workers/scripts/front/script-settings"))).path("observability")
                .path("enabled").asBoolean()).isTrue();
    }

    @Test
    void static_assets_upload_in_a_session_deduplicate_and_serve_before_the_worker_and_through_a_binding() throws Exception {
        ok(upload("site", "{\"main_module\":\"w.js\"}", "return new Response('no assets yet');"));
        String indexHash = "0123456789abcdef0123456789abcdef";
        String cssHash = "fedcba9876543210fedcba9876543210";
        String manifest = "{\"manifest\":{\"/index.html\":{\"hash\":\"" + indexHash + "\",\"size\":14},"
                + "\"/style.css\":{\"hash\":\"" + cssHash + "\",\"size\":13}}}";
        JsonNode session = ok(t.postJson(t.accountApi(NS + "/site/assets-upload-session"), manifest));
        assertThat(session.path("buckets").toString()).contains(indexHash, cssHash);
        String uploadToken = session.path("jwt").asText();

        // contents go up with the session's token, base64-encoded, one part per hash
        refused(uploadAssets("not-a-session", indexHash, "<h1>home</h1>\n"), 401, "not valid");
        TestServer.Reply first = uploadAssets(uploadToken, indexHash, "<h1>home</h1>\n");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("result").path("jwt").isNull()).isTrue();
        // A file that arrived is not written again (the same hash with other bytes changes nothing),
        // and a file must have the size the manifest gave it.
        TestServer.Reply resent = uploadAssets(uploadToken, indexHash, "<h1>HOME</h1>\n");
        assertThat(resent.status()).as(resent.body()).isEqualTo(200);
        refused(uploadAssets(uploadToken, cssHash, "body {}"), 400, "has 7 bytes; the manifest said 13");
        TestServer.Reply last = uploadAssets(uploadToken, cssHash, "body { a: b }");
        assertThat(last.status()).as(last.body()).isEqualTo(201);
        String completion = last.json().path("result").path("jwt").asText();
        assertThat(completion).isNotEmpty();

        ok(upload("site", "{\"main_module\":\"w.js\",\"assets\":{\"jwt\":\"" + completion + "\"},"
                + "\"bindings\":[{\"type\":\"assets\",\"name\":\"ASSETS\"}]}",
                "const url = new URL(request.url); if (url.pathname === '/via-binding') { return env.ASSETS.fetch(new Request(url.origin + '/style.css')); } "
                + "if (url.pathname === '/streamed-to-binding') return (async () => { let cancelled = false; "
                + "const body = new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(65536)); }, cancel() { cancelled = true; } }, { highWaterMark: 0 }); "
                + "const r = await env.ASSETS.fetch(new Request(url.origin + '/style.css', { method: 'POST', body, duplex: 'half' })); "
                + "for (let i = 0; i < 500 && !cancelled; i++) await scheduler.wait(10); "
                + "return new Response(r.status + ' cancelled: ' + cancelled); })(); "
                + "return new Response('worker ' + url.pathname);"));
        TestServer.Reply home = t.worker("GET", "site.apps.test", "/", null);
        assertThat(home.body()).isEqualTo("<h1>home</h1>\n");
        assertThat(home.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(t.worker("GET", "site.apps.test", "/style.css", null).body()).isEqualTo("body { a: b }");
        assertThat(t.worker("GET", "site.apps.test", "/elsewhere", null).body()).isEqualTo("worker /elsewhere");
        assertThat(t.worker("GET", "site.apps.test", "/via-binding", null).body()).isEqualTo("body { a: b }");
        // a streamed body the assets binding does not read is cancelled, so its source stops
        assertThat(t.worker("GET", "site.apps.test", "/streamed-to-binding", null).body()).endsWith("cancelled: true");
        assertThat(ok(t.get(t.accountApi(NS + "/site"))).path("script").path("has_assets").asBoolean()).isTrue();

        // the same files again: nothing to upload, the token is the completion token
        JsonNode again = ok(t.postJson(t.accountApi(NS + "/site/assets-upload-session"), manifest));
        assertThat(again.path("buckets").size()).isZero();
        ok(upload("site", "{\"main_module\":\"w.js\",\"assets\":{\"jwt\":\"" + again.path("jwt").asText() + "\"}}",
                "return new Response('v3');"));
        assertThat(t.worker("GET", "site.apps.test", "/index.html", null).body()).isEqualTo("<h1>home</h1>\n");

        // keep_assets carries them over; a stale or foreign token is refused and changes nothing
        ok(upload("site", "{\"main_module\":\"w.js\",\"keep_assets\":true}", "return new Response('v4');"));
        assertThat(t.worker("GET", "site.apps.test", "/style.css", null).body()).isEqualTo("body { a: b }");
        refused(upload("site", "{\"main_module\":\"w.js\",\"assets\":{\"jwt\":\"forged\"}}", "return new Response('v5');"),
                400, "completion token");
        assertThat(t.worker("GET", "site.apps.test", "/nothing-here", null).body()).isEqualTo("v4");
        refused(t.postJson(t.accountApi(NS + "/site/assets-upload-session"), "{\"manifest\":{\"/x\":{\"hash\":\"short\",\"size\":1}}}"),
                400, "32 lower-case hex");
    }

    static TestServer.Reply uploadAssets(String token, String hash, String content) {
        TestServer.Multipart body = new TestServer.Multipart().file(hash, hash, "application/null",
                java.util.Base64.getEncoder().encodeToString(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return t.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(t.accountApi("/workers/assets/upload?base64=true")))
                .header("Authorization", "Bearer " + token).header("content-type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())));
    }
}
