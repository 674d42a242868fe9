package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.Route;
import dev.tenantd.platform.observability.ObservabilitySettings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GraphQL analytics end to end: traffic through a real dispatch worker to user workers in two
 * namespaces, recorded into a real SQLite file, then queried at /client/v4/graphql over HTTP.
 */
class GraphqlAnalyticsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.gql.test/*=front")),
                ObservabilitySettings.defaults().withQueue(10_000, Duration.ofMillis(50)));
        t.createNamespace("tenants");
        t.createNamespace("others");
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"TENANTS\","
                        + "\"namespace\":\"tenants\"},{\"type\":\"dispatch_namespace\",\"name\":\"OTHERS\",\"namespace\":\"others\"}]}",
                "f.js", """
                export default { async fetch(request, env) {
                  const [script, ns] = new URL(request.url).hostname.split('.');
                  try { return await env[ns.toUpperCase()].get(script).fetch(request); }
                  catch (e) { return new Response('failed: ' + e.message, { status: 502 }); }
                } };""").status()).isEqualTo(200);
        String user = """
                export default { async fetch(request) {
                  if (new URL(request.url).pathname === '/boom') throw new Error('boom');
                  return new Response('ok');
                } };""";
        String ns = "/workers/dispatch/namespaces/";
        assertThat(t.putModule(t.accountApi(ns + "tenants/scripts/acme"), "{\"main_module\":\"u.js\",\"tags\":[\"gold\"]}",
                "u.js", user).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi(ns + "tenants/scripts/beta"), "{\"main_module\":\"u.js\",\"tags\":[\"silver\"]}",
                "u.js", user).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi(ns + "others/scripts/gamma"), "{\"main_module\":\"u.js\",\"tags\":[\"gold\"]}",
                "u.js", user).status()).isEqualTo(200);
        send("acme.tenants.gql.test", "/", 5);
        send("acme.tenants.gql.test", "/boom", 2);
        send("beta.tenants.gql.test", "/", 3);
        send("gamma.others.gql.test", "/", 4);
        // Records are written in batches off the request path: wait until all fourteen are counted.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (total() < 14) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the user workers' 14 requests were never all counted: " + total());
            }
            sleep();
        }
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static void send(String host, String path, int times) {
        for (int i = 0; i < times; i++) {
            t.worker("GET", host, path, null);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static long total() {
        JsonNode rows = rows(query("""
                { viewer { accounts(filter: {accountTag: "%s"}) { workersInvocationsAdaptive(limit: 10,
                  filter: {dispatchNamespaceName_in: ["tenants", "others"]}) { sum { requests } } } } }"""
                .formatted(TestServer.ACCOUNT), Map.of()));
        return rows.isEmpty() ? 0 : rows.get(0).at("/sum/requests").asLong();
    }

    static JsonNode query(String query, Map<String, Object> variables) {
        ObjectNode body = JSON.createObjectNode().put("query", query);
        body.set("variables", JSON.valueToTree(variables));
        TestServer.Reply r = t.postJson(t.api("/graphql"), body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode rows(JsonNode answer) {
        assertThat(answer.get("errors").isNull()).as(answer.toString()).isTrue();
        return answer.at("/data/viewer/accounts/0/workersInvocationsAdaptive");
    }

    /** {@code dimension value -> [requests, errors]} of the rows. */
    static Map<String, List<Long>> by(JsonNode rows, String dimension) {
        Map<String, List<Long>> m = new HashMap<>();
        rows.forEach(r -> m.put(r.at("/dimensions/" + dimension).asText(),
                List.of(r.at("/sum/requests").asLong(), r.at("/sum/errors").asLong())));
        return m;
    }

    static String invocations(String args, String fields) {
        return "{ viewer { accounts(filter: {accountTag: \"" + TestServer.ACCOUNT + "\"}) { workersInvocationsAdaptive("
                + args + ") { " + fields + " } } } }";
    }

    @Test
    void requestsAndErrorsPerScriptPerNamespaceAndPerTag() {
        JsonNode perScript = rows(query(invocations("limit: 100, filter: {dispatchNamespaceName_neq: \"\"}",
                "sum { requests errors subrequests } dimensions { scriptName }"), Map.of()));
        assertThat(by(perScript, "scriptName")).isEqualTo(Map.of("acme", List.of(7L, 2L), "beta", List.of(3L, 0L),
                "gamma", List.of(4L, 0L)));

        JsonNode perNamespace = rows(query(invocations("limit: 100, filter: {dispatchNamespaceName_in: [\"tenants\", \"others\"]}",
                "sum { requests errors } dimensions { dispatchNamespaceName }"), Map.of()));
        assertThat(by(perNamespace, "dispatchNamespaceName")).isEqualTo(Map.of("tenants", List.of(10L, 2L),
                "others", List.of(4L, 0L)));

        JsonNode gold = rows(query(invocations("limit: 100, filter: {scriptTag: \"gold\"}",
                "sum { requests errors } dimensions { scriptName }"), Map.of()));
        assertThat(by(gold, "scriptName")).isEqualTo(Map.of("acme", List.of(7L, 2L), "gamma", List.of(4L, 0L)));
        assertThat(rows(query(invocations("limit: 100, filter: {scriptTag: \"nobody-has-this\"}", "sum { requests }"),
                Map.of()))).isEmpty();
        // Tags as the scripts carry them now: one added later counts the script's earlier traffic.
        TestServer.Reply tagged = t.send(t.authed(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/beta/tags/gold"))
                .method("PUT", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
        assertThat(by(rows(query(invocations("limit: 100, filter: {scriptTag: \"gold\"}",
                "sum { requests errors } dimensions { scriptName }"), Map.of())), "scriptName"))
                .isEqualTo(Map.of("acme", List.of(7L, 2L), "beta", List.of(3L, 0L), "gamma", List.of(4L, 0L)));

        // The dispatcher counts too, outside any namespace.
        JsonNode front = rows(query(invocations("limit: 10, filter: {scriptName: \"front\"}",
                "sum { requests } dimensions { dispatchNamespaceName }"), Map.of()));
        assertThat(front.get(0).at("/sum/requests").asLong()).isEqualTo(14);
        assertThat(front.get(0).at("/dimensions/dispatchNamespaceName").asText()).isEmpty();
    }

    @Test
    void errorsSplitByStatusAndOutcome() {
        JsonNode acme = rows(query(invocations("limit: 10, filter: {scriptName: \"acme\"}",
                "sum { requests errors } dimensions { status outcome }"), Map.of()));
        assertThat(by(acme, "status")).isEqualTo(Map.of("success", List.of(5L, 0L), "scriptThrewException", List.of(2L, 2L)));
        assertThat(by(acme, "outcome")).containsOnlyKeys("ok", "exception");
        JsonNode failing = rows(query(invocations("limit: 10, filter: {status_neq: \"success\", dispatchNamespaceName: \"tenants\"}",
                "sum { requests } dimensions { scriptName }"), Map.of()));
        assertThat(by(failing, "scriptName")).isEqualTo(Map.of("acme", List.of(2L, 0L)));
    }

    @Test
    void orderByAndLimit() {
        JsonNode top = rows(query(invocations("limit: 2, filter: {dispatchNamespaceName_neq: \"\"}, orderBy: [sum_requests_DESC]",
                "sum { requests } dimensions { scriptName }"), Map.of()));
        assertThat(top).hasSize(2);
        assertThat(top.findValuesAsText("scriptName")).containsExactly("acme", "gamma");
        JsonNode byName = rows(query(invocations("limit: 10, filter: {dispatchNamespaceName: \"tenants\"}, "
                + "orderBy: [scriptName_DESC]", "dimensions { scriptName }"), Map.of()));
        assertThat(byName.findValuesAsText("scriptName")).containsExactly("beta", "acme");
    }

    @Test
    void cloudflaresDocumentedQueryRunsUnchanged() {
        String documented = "query GetWorkersAnalytics($accountTag: string, $datetimeStart: string, $datetimeEnd: string, "
                + "$scriptName: string) { viewer { accounts(filter: {accountTag: $accountTag}) { "
                + "workersInvocationsAdaptive(limit: 100, filter: { scriptName: $scriptName, datetime_geq: $datetimeStart, "
                + "datetime_leq: $datetimeEnd }) { sum { subrequests requests errors } quantiles { cpuTimeP50 cpuTimeP99 } "
                + "dimensions{ datetime scriptName status } } } } }";
        Map<String, Object> variables = Map.of("accountTag", TestServer.ACCOUNT,
                "datetimeStart", java.time.Instant.now().minus(Duration.ofHours(1)).toString(),
                "datetimeEnd", java.time.Instant.now().plus(Duration.ofMinutes(1)).toString(), "scriptName", "beta");
        JsonNode rows = rows(query(documented, variables));
        assertThat(rows.findValues("requests").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(3);
        JsonNode first = rows.get(0);
        assertThat(first.at("/dimensions/scriptName").asText()).isEqualTo("beta");
        assertThat(first.at("/dimensions/status").asText()).isEqualTo("success");
        assertThat(java.time.Instant.parse(first.at("/dimensions/datetime").asText())).isNotNull();
        assertThat(first.at("/quantiles/cpuTimeP50").asDouble()).isPositive();
        assertThat(first.at("/quantiles/cpuTimeP99").asDouble()).isGreaterThanOrEqualTo(first.at("/quantiles/cpuTimeP50").asDouble());

        // Variables declared with GraphQL's own String and Cloudflare's Time, and an hourly range, as scripts also write them.
        String standard = "query($a:String!,$n:String!,$s:Time!,$u:Time!){viewer{accounts(filter:{accountTag:$a}){"
                + "workersInvocationsAdaptive(limit:1,filter:{scriptName:$n,datetimeHour_geq:$s,datetimeHour_leq:$u}){"
                + "sum{requests errors}quantiles{cpuTimeP50 cpuTimeP99}}}}}";
        JsonNode hourly = rows(query(standard, Map.of("a", TestServer.ACCOUNT, "n", "gamma",
                "s", java.time.Instant.now().minus(Duration.ofHours(2)).toString(),
                "u", java.time.Instant.now().plus(Duration.ofHours(1)).toString())));
        assertThat(hourly.get(0).at("/sum/requests").asLong()).isEqualTo(4);

        // A range that ended before the traffic counts nothing.
        Map<String, Object> past = new HashMap<>(variables);
        past.put("datetimeEnd", "2020-01-01T00:00:00Z");
        past.put("datetimeStart", "2019-01-01T00:00:00Z");
        assertThat(rows(query(documented, past))).isEmpty();
    }

    @Test
    void getWithAQueryParameter() {
        String q = invocations("limit: 10, filter: {scriptName: \"gamma\"}", "sum { requests }");
        TestServer.Reply r = t.get(t.api("/graphql?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(rows(r.json()).get(0).at("/sum/requests").asLong()).isEqualTo(4);
    }

    @Test
    void badQueriesAreGraphqlErrorsNeverServerErrors() {
        for (String bad : List.of("{ viewer { accounts(filter: {accountTag: \"x\"}) { ", "{ viewer { nope } }",
                invocations("limit: 10", "sum { requests } bogus"),
                invocations("limit: 0", "sum { requests }"),
                invocations("limit: 10, filter: {datetime_geq: \"yesterday\"}", "sum { requests }"),
                invocations("limit: 10, filter: {OR: [{scriptName: \"a\"}]}", "sum { requests }"),
                invocations("limit: 10, orderBy: [scriptName_ASC]", "sum { requests }"),
                invocations("limit: 10, filter: {scriptName: \"x' OR 1=1 --\"}", "sum { requests }"))) {
            JsonNode answer = query(bad, Map.of());
            if (answer.get("errors").isNull()) {
                assertThat(rows(answer)).as(bad).isEmpty();
                continue;
            }
            assertThat(answer.get("errors").get(0).get("message").asText()).as(bad).isNotBlank()
                    .doesNotContain("Exception while fetching").doesNotContain("Internal error");
        }
        StringBuilder many = new StringBuilder("{ viewer { accounts(filter: {accountTag: \"" + TestServer.ACCOUNT + "\"}) { ");
        for (int i = 0; i < 50; i++) {
            many.append("a").append(i).append(": workersInvocationsAdaptive(limit: 10000) { sum { requests } } ");
        }
        JsonNode tooMany = query(many.append("} } }").toString(), Map.of());
        assertThat(tooMany.get("errors").get(0).get("message").asText()).containsIgnoringCase("complexity");
        assertThat(tooMany.get("data").isNull()).isTrue();
        JsonNode time = query(invocations("limit: 10, filter: {datetime_geq: \"yesterday\"}", "sum { requests }"), Map.of());
        assertThat(time.get("errors").get(0).get("message").asText()).contains("RFC 3339");
        TestServer.Reply notJson = t.postJson(t.api("/graphql"), "{not json");
        assertThat(notJson.status()).isEqualTo(200);
        assertThat(notJson.json().get("errors").get(0).get("message").asText()).contains("\"query\"");
        assertThat(notJson.json().get("data").isNull()).isTrue();
    }

    @Test
    void variablesOfAnotherTypeThanTheArgumentAreGraphqlErrorsNeverServerErrors() {
        // Variable types are not checked against arguments (Cloudflare's examples declare them
        // otherwise), so a variable can carry any value into any argument.
        String account = "{ viewer { accounts(filter: $f) { workersInvocationsAdaptive(limit: 10) { sum { requests } } } } }";
        String datasetFilter = "{ viewer { accounts(filter: {accountTag: \"" + TestServer.ACCOUNT + "\"}) { "
                + "workersInvocationsAdaptive(limit: 10, filter: $f) { sum { requests } } } } }";
        String order = "{ viewer { accounts(filter: {accountTag: \"" + TestServer.ACCOUNT + "\"}) { "
                + "workersInvocationsAdaptive(limit: 10, orderBy: $o) { sum { requests } } } } }";
        for (JsonNode answer : List.of(query("query($f: string) " + account, Map.of("f", "x")),
                query("query($f: string) " + datasetFilter, Map.of("f", "x")),
                query("query($o: [string!]) " + order, Map.of("o", List.of("x"))),
                query("query($o: string) " + order, Map.of("o", "requests")))) {
            assertThat(answer.get("errors").get(0).get("message").asText()).as(answer.toString()).isNotBlank()
                    .doesNotContain("Exception while fetching").doesNotContainIgnoringCase("internal error");
        }
    }

    @Test
    void filtersAndOrdersTooLargeForOneStatementAreGraphqlErrorsSayingWhatToChange() {
        String dataset = "{ viewer { accounts(filter: {accountTag: \"" + TestServer.ACCOUNT + "\"}) { "
                + "workersInvocationsAdaptive(limit: 10, filter: $f, orderBy: $o) { sum { requests } } } } }";
        String declared = "query($f: string, $o: [string!]) " + dataset;
        // Two AND lists of 800 each: within the 1,000 values a list may have, past what SQLite nests.
        List<Map<String, Object>> eight = java.util.stream.IntStream.range(0, 800)
                .mapToObj(i -> Map.<String, Object>of("scriptName_neq", "s" + i)).toList();
        List<Map<String, Object>> ands = List.of(Map.of("AND", eight), Map.of("AND", eight));
        List<String> names = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "s" + i).toList();
        for (Map.Entry<Map<String, Object>, String> c : Map.of(
                Map.<String, Object>of("f", Map.of("AND", ands)), "at most 64 conditions",
                Map.<String, Object>of("f", Map.of("AND", List.of(Map.of("scriptName_in", names), Map.of("scriptName_notin", names),
                        Map.of("scriptName_in", names)))), "at most 2000 values",
                Map.<String, Object>of("o", java.util.Collections.nCopies(2_001, "sum_requests_DESC")), "at most 16 terms")
                .entrySet()) {
            JsonNode answer = query(declared, c.getKey());
            assertThat(answer.get("errors").get(0).get("message").asText()).as(answer.toString()).contains(c.getValue());
            assertThat(answer.toString()).doesNotContain("requests\":");
        }
    }

    @Test
    void anotherAccountIsAnErrorAndNoData() {
        JsonNode answer = query("{ viewer { accounts(filter: {accountTag: \"someone-else\"}) { "
                + "workersInvocationsAdaptive(limit: 10) { sum { requests } } } } }", Map.of());
        assertThat(answer.get("errors").get(0).get("message").asText()).contains("cannot read account 'someone-else'");
        assertThat(answer.toString()).doesNotContain("requests\":");
    }

    @Test
    void aMissingOrWrongTokenIsRefusedAsOnEveryRoute() {
        TestServer.Reply none = t.send(HttpRequest.newBuilder(URI.create(t.api("/graphql")))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{viewer{accounts(filter:{accountTag:\\\"x\\\"}){workersInvocationsAdaptive(limit:1){sum{requests}}}}}\"}")));
        assertThat(none.status()).isIn(400, 401, 403);
        TestServer.Reply wrong = t.send(HttpRequest.newBuilder(URI.create(t.api("/graphql"))).header("Authorization", "Bearer nope")
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{viewer{__typename}}\"}")));
        assertThat(wrong.status()).isIn(400, 401, 403);
        assertThat(wrong.body()).doesNotContain("workersInvocationsAdaptive");
    }
}
