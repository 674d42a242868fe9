package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-script suite: one folder per scenario under {@code hostile/}, each a
 * user worker and the exact outcome its dispatcher must see. After every scenario
 * the server still serves, another tenant's worker is unaffected, and its
 * built-ins are clean. {@code expect.json} holds the expected status (or list of
 * acceptable ones), text the body contains (any of a list), optional script
 * {@code limits}, or {@code upload}/{@code messageContains} for uploads refused;
 * {@code headers} (name to exact value) and {@code absentHeaders} are checked on
 * a 200 answer.
 */
class HostileScriptsTest {
    private static final Path SCENARIOS = Path.of("src/test/resources/hostile");

    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        Limits limits = new Limits(3_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 5_000, 2_000, 1_000);
        t = new TestServer(dir, List.of(Route.parse("*.hostile.test/*=front")), limits, EgressPolicy.OPEN);
        t.createNamespace("tenants");
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"}]}",
                "f.js", """
                export default { async fetch(request, env) {
                  const name = new URL(request.url).hostname.split('.')[0];
                  try {
                    return await env.NS.get(name).fetch(request);
                  } catch (e) {
                    const message = String(e.message);
                    const status = message.startsWith('Worker exceeded') ? 503 : message.startsWith('Worker not found') ? 404 : 500;
                    return new Response(message, { status });
                  }
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/bystander"), "{\"main_module\":\"b.js\"}",
                "b.js", """
                export default { fetch() {
                  const clean = ({}).polluted === undefined && [1].map((x) => x + 1)[0] === 2
                    && JSON.stringify({ a: 1 }) === '{"a":1}' && 'a,b'.split(',').length === 2;
                  return new Response(clean ? 'clean' : 'polluted');
                } };""").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @TestFactory
    Stream<DynamicTest> hostile_scripts() throws IOException {
        List<Path> folders;
        try (Stream<Path> list = Files.list(SCENARIOS)) {
            folders = list.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(folders).hasSizeGreaterThanOrEqualTo(15);
        return folders.stream().map(folder -> DynamicTest.dynamicTest(folder.getFileName().toString(), () -> run(folder)));
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else {
            out.add(node.asText());
        }
        return out;
    }

    private void run(Path folder) throws IOException {
        String name = folder.getFileName().toString();
        String code = Files.readString(folder.resolve("worker.js"));
        JsonNode expect = TestServer.JSON.readTree(folder.resolve("expect.json").toFile());
        String metadata = "{\"main_module\":\"worker.js\""
                + (expect.has("limits") ? ",\"limits\":" + expect.get("limits") : "") + "}";
        TestServer.Reply upload = t.putModule(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/" + name),
                metadata, "worker.js", code);
        if (expect.has("upload")) {
            assertThat(upload.status()).as(upload.body()).isEqualTo(expect.get("upload").asInt());
            assertThat(upload.message()).contains(expect.get("messageContains").asText());
        } else {
            assertThat(upload.status()).as(upload.body()).isEqualTo(200);
            TestServer.Reply r = t.worker("GET", name + ".hostile.test", "/", null);
            List<Integer> statuses = new ArrayList<>();
            strings(expect.get("status")).forEach(s -> statuses.add(Integer.parseInt(s)));
            String shown = r.body().length() > 300 ? r.body().substring(0, 300) + "... (" + r.body().length() + " chars)" : r.body();
            assertThat(r.status()).as(shown).isIn(statuses);
            List<String> contains = strings(expect.get("bodyContains"));
            if (!contains.isEmpty()) {
                assertThat(contains).as("body %s", shown).anySatisfy(part -> assertThat(r.body().contains(part)).as(part).isTrue());
            }
            if (r.status() == 200 && expect.has("headers")) {
                expect.get("headers").properties().forEach(e ->
                        assertThat(r.headers().allValues(e.getKey())).as(e.getKey()).containsExactly(e.getValue().asText()));
            }
            for (String absent : strings(expect.get("absentHeaders"))) {
                assertThat(r.headers().firstValue(absent)).as("header " + absent).isEmpty();
            }
        }
        TestServer.Reply bystander = t.worker("GET", "bystander.hostile.test", "/", null);
        assertThat(bystander.status()).isEqualTo(200);
        assertThat(bystander.body()).isEqualTo("clean");
        assertThat(t.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.apiPort() + "/healthz")).GET())
                .status()).isEqualTo(200);
    }
}
