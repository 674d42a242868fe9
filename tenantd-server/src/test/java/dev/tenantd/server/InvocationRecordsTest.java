package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.Route;
import dev.tenantd.platform.observability.ObservabilitySettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invocation records end to end: real isolates behind a real dispatch worker, records in a
 * real SQLite file, read back through the logs API over HTTP.
 */
class InvocationRecordsTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static final String LOGS = "/workers/observability/invocations";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.out.test/*=front2"), Route.parse("*.rec.test/*=front")),
                ObservabilitySettings.defaults().withQueue(10_000, Duration.ofMillis(50)));
        t.createNamespace("tenants");
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\","
                        + "\"name\":\"NS\",\"namespace\":\"tenants\"}]}", "f.js", """
                export default { async fetch(request, env) {
                  const name = new URL(request.url).hostname.split('.')[0];
                  console.log('dispatching to', name);
                  try { return await env.NS.get(name).fetch(request); }
                  catch (e) { return new Response('caught: ' + e.message, { status: 599 }); }
                } };""").status()).isEqualTo(200);
        String acme = """
                export default { async fetch(request) {
                  const path = new URL(request.url).pathname;
                  console.log('acme saw', path);
                  if (path === '/boom') throw new TypeError('acme broke at ' + path);
                  if (path === '/spin') { for (;;) {} }
                  if (path.startsWith('/chatty')) { for (let i = 0; i < 150; i++) console.log('line', i); }
                  if (path.startsWith('/objects')) console.log(path, Array(1000).fill({}), { deep: [1, 'two', null] });
                  return new Response('hello from acme');
                } };""";
        t.createNamespace("guarded");
        assertThat(t.putModule(t.accountApi("/workers/scripts/front2"),
                "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\","
                        + "\"name\":\"NS\",\"namespace\":\"guarded\",\"outbound\":{\"worker\":{\"service\":\"gate\"}}}]}", "f.js", """
                export default { async fetch(request, env) {
                  return env.NS.get(new URL(request.url).hostname.split('.')[0]).fetch(request);
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/gate"), "{\"main_module\":\"g.js\"}", "g.js", """
                export default { fetch(request) {
                  console.log('gate saw', new URL(request.url).pathname);
                  return new Response('from the gate');
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/guarded/scripts/caller"), "{\"main_module\":\"c.js\"}",
                "c.js", """
                export default { async fetch(request) {
                  const r = await fetch('https://example.com' + new URL(request.url).pathname);
                  return new Response('caller got: ' + await r.text());
                } };""").status()).isEqualTo(200);
        String ns = "/workers/dispatch/namespaces/tenants/scripts/";
        assertThat(t.putModule(t.accountApi(ns + "acme"),
                "{\"main_module\":\"a.js\",\"tags\":[\"gold\",\"customer-1\"],\"limits\":{\"cpu_ms\":50}}", "a.js", acme)
                .status()).isEqualTo(200);
        // acme without its 50 ms CPU limit: formatting a line of 1,000 objects took longer on a busy machine.
        assertThat(t.putModule(t.accountApi(ns + "logger"), "{\"main_module\":\"a.js\"}", "a.js", acme).status())
                .isEqualTo(200);
        assertThat(t.putModule(t.accountApi(ns + "quiet"),
                "{\"main_module\":\"a.js\",\"observability\":{\"enabled\":false}}", "a.js", acme).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi(ns + "sampled"),
                "{\"main_module\":\"a.js\",\"observability\":{\"enabled\":true,\"head_sampling_rate\":0}}", "a.js", acme)
                .status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    private static JsonNode logs(String query) {
        TestServer.Reply r = t.get(t.accountApi(LOGS + "?" + query));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Waits until the logs API answers {@code query} with exactly {@code count} records, and returns them. */
    private static JsonNode awaitRecords(String query, int count) {
        return Await.value(() -> {
            JsonNode result = logs(query).get("result");
            return result.size() == count ? result : null;
        }, "records for " + query + " to number " + count);
    }

    @Test
    void a_dispatched_request_leaves_two_records_linked_by_one_request_id() {
        String marker = UUID.randomUUID().toString();
        TestServer.Reply r = t.worker("GET", "acme.rec.test", "/hello-" + marker + "?token=secret", null);
        assertThat(r.body()).isEqualTo("hello from acme");
        JsonNode user = awaitRecords("q=" + marker + "&script=acme", 1).get(0);
        assertThat(user.get("dispatch_namespace").asText()).isEqualTo("tenants");
        assertThat(user.get("outcome").asText()).isEqualTo("ok");
        assertThat(user.get("status").asInt()).isEqualTo(200);
        assertThat(user.get("tags").toString()).isEqualTo("[\"gold\",\"customer-1\"]");
        assertThat(user.get("request").get("host").asText()).isEqualTo("acme.rec.test");
        assertThat(user.get("request").get("path").asText()).isEqualTo("/hello-" + marker);
        assertThat(user.toString()).doesNotContain("secret");
        assertThat(user.get("logs").get(0).get("message").toString()).isEqualTo("[\"acme saw\",\"/hello-" + marker + "\"]");
        assertThat(user.get("version_id").asText()).isNotEmpty();

        String requestId = user.get("request_id").asText();
        JsonNode chain = awaitRecords("request_id=" + requestId, 2);
        assertThat(chain.findValuesAsText("script_name")).containsExactlyInAnyOrder("front", "acme");
        JsonNode front = chain.get(0).get("script_name").asText().equals("front") ? chain.get(0) : chain.get(1);
        assertThat(front.get("dispatch_namespace").isNull()).isTrue();
        assertThat(front.get("logs").get(0).get("message").toString()).isEqualTo("[\"dispatching to\",\"acme\"]");

        JsonNode one = t.get(t.accountApi(LOGS + "/" + user.get("id").asText())).json().get("result");
        assertThat(one.get("id").asText()).isEqualTo(user.get("id").asText());
        assertThat(one.get("chain").findValuesAsText("script_name")).containsExactlyInAnyOrder("front", "acme");
    }

    @Test
    void an_outbound_worker_shares_the_request_id_of_the_user_worker_it_serves() {
        String marker = UUID.randomUUID().toString();
        assertThat(t.worker("GET", "caller.out.test", "/out-" + marker, null).body()).isEqualTo("caller got: from the gate");
        JsonNode gate = awaitRecords("script=gate&q=" + marker, 1).get(0);
        JsonNode chain = awaitRecords("request_id=" + gate.get("request_id").asText(), 3);
        assertThat(chain.findValuesAsText("script_name")).containsExactlyInAnyOrder("front2", "caller", "gate");
        assertThat(gate.get("request").get("host").asText()).isEqualTo("example.com");
        JsonNode caller = awaitRecords("script=caller&request_id=" + gate.get("request_id").asText(), 1).get(0);
        assertThat(caller.get("subrequests").asInt()).isEqualTo(1);
        assertThat(caller.get("dispatch_namespace").asText()).isEqualTo("guarded");
    }

    @Test
    void a_dispatch_to_a_missing_user_worker_is_recorded_as_script_not_found() {
        TestServer.Reply r = t.worker("GET", "nobody.rec.test", "/who", null);
        assertThat(r.body()).startsWith("caught: Worker not found");
        JsonNode missing = Await.value(() -> {
            JsonNode result = logs("script=nobody&outcome=scriptNotFound").get("result");
            return result.size() > 0 ? result.get(0) : null;
        }, "a scriptNotFound record");
        assertThat(missing.get("dispatch_namespace").asText()).isEqualTo("tenants");
        assertThat(awaitRecords("request_id=" + missing.get("request_id").asText(), 2).findValuesAsText("script_name"))
                .containsExactlyInAnyOrder("front", "nobody");
    }

    @Test
    void a_name_no_script_can_have_is_not_recorded_and_long_paths_are_kept_short() {
        String marker = UUID.randomUUID().toString().replace("-", "");
        String invalid = "n" + marker + "x".repeat(70); // over 63 characters: no script has it
        assertThat(t.worker("GET", invalid + ".localhost", "/", null).status()).isEqualTo(404);
        assertThat(t.worker("GET", "m" + marker.substring(0, 20) + ".localhost", "/", null).status()).isEqualTo(404);
        // The valid name's record arrives; the invalid one, sent before it, left none.
        awaitRecords("script=m" + marker.substring(0, 20) + "&outcome=scriptNotFound", 1);
        assertThat(logs("outcome=scriptNotFound").get("result").findValuesAsText("script_name"))
                .contains("m" + marker.substring(0, 20)).doesNotContain(invalid);

        String longPath = "/" + marker + "p".repeat(3_000);
        t.worker("GET", "acme.rec.test", longPath, null);
        JsonNode record = awaitRecords("q=" + marker + "&script=acme", 1).get(0);
        assertThat(record.get("request").get("path").asText()).hasSize(1_024).isEqualTo(longPath.substring(0, 1_024));
    }

    @Test
    void a_script_uploaded_under_a_deleted_ones_name_is_not_shown_the_deleted_ones_records() {
        // The platform gives a leaving customer's name to another: filtered by namespace and
        // script, the logs are those of the script that has the name now.
        String ns = "/workers/dispatch/namespaces/tenants/scripts/";
        String code = "export default { fetch(request) { console.log('saw', request.url); return new Response('ok'); } };";
        assertThat(t.putModule(t.accountApi(ns + "reused"), "{\"main_module\":\"r.js\"}", "r.js", code).status())
                .isEqualTo(200);
        String before = UUID.randomUUID().toString();
        assertThat(t.worker("GET", "reused.rec.test", "/" + before, null).body()).isEqualTo("ok");
        awaitRecords("namespace=tenants&script=reused&q=" + before, 1);
        assertThat(t.delete(t.accountApi(ns + "reused")).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi(ns + "reused"), "{\"main_module\":\"r.js\"}", "r.js", code).status())
                .isEqualTo(200);
        String after = UUID.randomUUID().toString();
        assertThat(t.worker("GET", "reused.rec.test", "/" + after, null).body()).isEqualTo("ok");
        awaitRecords("namespace=tenants&script=reused&q=" + after, 1);

        assertThat(logs("namespace=tenants&script=reused").get("result").findValuesAsText("path"))
                .containsExactly("/" + after);
        assertThat(logs("namespace=tenants&script=reused&q=" + before).get("result").size()).isZero();
        // the account's own view, by script name alone, still has both
        assertThat(logs("script=reused").get("result").findValuesAsText("path")).containsExactly("/" + after, "/" + before);
    }

    @Test
    void another_request_gets_another_request_id() {
        String marker = UUID.randomUUID().toString();
        t.worker("GET", "acme.rec.test", "/a-" + marker, null);
        t.worker("GET", "acme.rec.test", "/b-" + marker, null);
        JsonNode both = awaitRecords("q=" + marker + "&script=acme", 2);
        assertThat(both.get(0).get("request_id").asText()).isNotEqualTo(both.get(1).get("request_id").asText());
        assertThat(both.get(0).get("request").get("path").asText()).as("newest first").isEqualTo("/b-" + marker);
    }

    @Test
    void a_cpu_limit_breach_is_recorded_as_exceeded_cpu() {
        TestServer.Reply r = t.worker("GET", "acme.rec.test", "/spin", null);
        assertThat(r.body()).isEqualTo("caught: Worker exceeded CPU time limit.");
        JsonNode spin = Await.value(() -> {
            JsonNode result = logs("script=acme&outcome=exceededCpu").get("result");
            return result.size() > 0 ? result.get(0) : null;
        }, "an exceededCpu record");
        assertThat(spin.get("request").get("path").asText()).isEqualTo("/spin");
        assertThat(spin.get("cpu_time_ms").asDouble()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void an_uncaught_exception_is_recorded_with_its_name_and_message() {
        t.worker("GET", "acme.rec.test", "/boom", null);
        JsonNode boom = Await.value(() -> {
            JsonNode result = logs("script=acme&outcome=exception&q=" + enc("acme broke")).get("result");
            return result.size() > 0 ? result.get(0) : null;
        }, "an exception record");
        JsonNode exception = boom.get("exceptions").get(0);
        assertThat(exception.get("name").asText()).isEqualTo("TypeError");
        assertThat(exception.get("message").asText()).isEqualTo("acme broke at /boom");
        assertThat(exception.get("stack").asText()).startsWith("TypeError: acme broke at /boom\n")
                .contains("a.js:").doesNotContain("tenantd:");
    }

    @Test
    void console_output_is_capped_per_invocation() {
        String marker = UUID.randomUUID().toString();
        t.worker("GET", "acme.rec.test", "/chatty-" + marker, null);
        JsonNode chatty = awaitRecords("script=acme&q=" + marker, 1).get(0);
        assertThat(chatty.get("logs").size()).isEqualTo(100);
        assertThat(chatty.get("logs_truncated").asBoolean()).isTrue();
    }

    @Test
    void a_logged_line_comes_back_as_the_json_it_was_stored_as_in_lists_and_single_records() {
        String marker = UUID.randomUUID().toString();
        t.worker("GET", "logger.rec.test", "/objects-" + marker, null);
        JsonNode record = awaitRecords("script=logger&q=" + marker, 1).get(0);
        assertThat(record.get("logs").size()).as(record.toString()).isEqualTo(2);
        JsonNode line = record.get("logs").get(1).get("message");
        assertThat(line.isArray()).isTrue();
        assertThat(line.get(0).asText()).isEqualTo("/objects-" + marker);
        assertThat(line.get(1).size()).isEqualTo(1000);
        assertThat(line.get(1).get(999).isObject()).isTrue();
        assertThat(line.get(2).toString()).isEqualTo("{\"deep\":[1,\"two\",null]}");
        JsonNode one = t.get(t.accountApi(LOGS + "/" + record.get("id").asText())).json().get("result");
        assertThat(one.get("logs").get(1).get("message")).isEqualTo(line);
        JsonNode inChain = java.util.stream.StreamSupport.stream(one.get("chain").spliterator(), false)
                .filter(r -> r.get("id").equals(record.get("id"))).findFirst().orElseThrow();
        assertThat(inChain.get("logs").get(1).get("message")).isEqualTo(line);
    }

    @Test
    void filters_narrow_and_the_cursor_pages_through_everything_once() {
        String marker = UUID.randomUUID().toString();
        for (int i = 0; i < 7; i++) {
            assertThat(t.worker("GET", "acme.rec.test", "/page-" + marker + "-" + i, null).status()).isEqualTo(200);
        }
        awaitRecords("script=acme&q=" + marker, 7);
        assertThat(logs("tag=gold&q=" + marker).get("result").size()).isEqualTo(7);
        assertThat(logs("tag=silver&q=" + marker).get("result").size()).isZero();
        assertThat(logs("namespace=tenants&status=200&outcome=ok&q=" + marker).get("result").size()).isEqualTo(7);
        assertThat(logs("status=404&q=" + marker).get("result").size()).isZero();
        assertThat(logs("since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00%2B02:00&q=" + marker).get("result").size())
                .isZero();
        assertThat(logs("since=2000-01-01T00:00:00Z&q=" + marker).get("result").size()).isEqualTo(7);

        Set<String> seen = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = logs("script=acme&limit=3&q=" + marker + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            sizes.add(page.get("result").size());
            assertThat(page.get("result_info").get("count").asInt()).isEqualTo(page.get("result").size());
            page.get("result").forEach(e -> assertThat(seen.add(e.get("id").asText())).isTrue());
            cursor = page.get("result_info").get("cursor").isNull() ? "" : page.get("result_info").get("cursor").asText();
        } while (!cursor.isEmpty());
        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(seen).hasSize(7);
    }

    @Test
    void scripts_that_opt_out_or_sample_nothing_leave_no_record() {
        String marker = UUID.randomUUID().toString();
        assertThat(t.worker("GET", "quiet.rec.test", "/q-" + marker, null).body()).isEqualTo("hello from acme");
        assertThat(t.worker("GET", "sampled.rec.test", "/s-" + marker, null).body()).isEqualTo("hello from acme");
        // Records are stored in the order they end: once a later one is there, these would be too.
        t.worker("GET", "acme.rec.test", "/after-" + marker, null);
        awaitRecords("script=acme&q=" + marker, 1);
        assertThat(logs("script=quiet").get("result").size()).isZero();
        assertThat(logs("script=sampled").get("result").size()).isZero();
        assertThat(logs("q=" + marker).get("result").findValuesAsText("script_name")).containsOnly("acme");
    }

    @Test
    void script_settings_show_the_observability_that_applies() {
        String ns = "/workers/dispatch/namespaces/tenants/scripts/";
        JsonNode platformDefault = t.get(t.accountApi(ns + "acme/settings")).json().path("result").path("observability");
        assertThat(platformDefault.path("enabled").asBoolean(false)).as("records are on by default").isTrue();
        assertThat(platformDefault.path("head_sampling_rate").asDouble(-1)).isEqualTo(1.0);
        JsonNode own = t.get(t.accountApi(ns + "quiet/settings")).json().path("result").path("observability");
        assertThat(own.path("enabled").asBoolean(true)).isFalse();
    }

    @Test
    void bad_filters_get_a_400_naming_what_to_fix() {
        String[][] cases = {
                {"outcome=bogus", "outcome"},
                {"status=abc", "status"},
                {"status=1000", "status"},
                {"since=yesterday", "RFC 3339"},
                {"until=2026-13-01T00:00:00Z", "RFC 3339"},
                {"since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "since"},
                {"limit=0", "limit"},
                {"limit=1001", "limit"},
                {"cursor=not-a-cursor", "cursor"},
                {"scrip=acme", "Unknown query parameter 'scrip'"},
                {"q=" + "x".repeat(300), "at most"},
        };
        for (String[] c : cases) {
            TestServer.Reply r = t.get(t.accountApi(LOGS + "?" + c[0]));
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.code()).as(c[0]).isEqualTo(10014);
            assertThat(r.message()).as(c[0]).contains(c[1]);
        }
        assertThat(t.get(t.accountApi(LOGS + "/does-not-exist")).status()).isEqualTo(404);
        assertThat(t.get(t.api("/accounts/someone-else" + LOGS)).status()).isEqualTo(403);
        assertThat(t.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(t.accountApi(LOGS)))
                .header("Authorization", "Bearer wrong").GET()).status())
                .isIn(401, 403);
        assertThat(logs("limit=1").get("success").asBoolean()).isTrue();
    }

    @Test
    void a_bad_observability_block_is_refused_and_nothing_is_stored() {
        String url = t.accountApi("/workers/dispatch/namespaces/tenants/scripts/badobs");
        for (String block : List.of("{\"head_sampling_rate\":2}", "{\"enabled\":\"yes\"}", "[]", "{\"sample\":1}")) {
            TestServer.Reply r = t.putModule(url, "{\"main_module\":\"a.js\",\"observability\":" + block + "}", "a.js",
                    "export default { fetch() { return new Response('x'); } };");
            assertThat(r.status()).as(block).isEqualTo(400);
            assertThat(r.message()).as(block).contains("observability");
        }
        assertThat(t.get(url).status()).isEqualTo(404);
        TestServer.Reply patch = t.send(t.authed(t.accountApi(
                "/workers/dispatch/namespaces/tenants/scripts/acme/script-settings"))
                .header("content-type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"observability\":{\"head_sampling_rate\":-1}}")));
        assertThat(patch.status()).isEqualTo(400);
        assertThat(t.get(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/acme/script-settings")).json()
                .get("result").get("observability").toString()).doesNotContain("-1");
    }
}
