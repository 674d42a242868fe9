package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.Route;
import dev.tenantd.platform.observability.ObservabilitySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source maps uploaded with a version map the stacks of its uncaught exceptions in the
 * invocation records: a module and a hand-made map go up through the API, the worker throws
 * in a real isolate, and the logs API returns the stack at the original positions.
 */
class SourceMappedStackTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static final String LOGS = "/workers/observability/invocations";

    /** Line 4 throws; the map sends its start to src/index.ts:12:3 and from column 25 ("throw") to ORIGINAL_LINE. */
    static final String CODE = """
            // bundled by hand
            export default { async fetch(request) {
              const path = new URL(request.url).pathname;
              if (path.startsWith('/boom')) throw new Error('mapped boom at ' + path);
              return new Response(VERSION);
            } };
            //# sourceMappingURL=index.js.map
            """;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.smap.test/*=mapped"), Route.parse("*.raw.test/*=raw"),
                Route.parse("*.ver.test/*=versioned")),
                ObservabilitySettings.defaults().withQueue(10_000, Duration.ofMillis(50)));
        assertThat(upload("mapped", "v1", map(20)).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/raw"), "{\"main_module\":\"index.js\"}", "index.js",
                CODE.replace("VERSION", "'raw'")).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    /** Base64 VLQ of one value (Source Map v3). */
    static String vlq(long value) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        long v = value < 0 ? ((-value) << 1) | 1 : value << 1;
        StringBuilder out = new StringBuilder();
        do {
            int digit = (int) (v & 31);
            v >>>= 5;
            out.append(alphabet.charAt(v > 0 ? digit | 32 : digit));
        } while (v > 0);
        return out.toString();
    }

    /** Generated line 4: column 0 to src/index.ts 12:3, column 24 (0-based) to {@code throwLine}:5 with the name "fail". */
    static String map(int throwLine) {
        String line4 = vlq(0) + vlq(0) + vlq(11) + vlq(2) + "," + vlq(24) + vlq(0) + vlq(throwLine - 1 - 11) + vlq(4 - 2) + vlq(0);
        return "{\"version\":3,\"file\":\"index.js\",\"sources\":[\"src/index.ts\"],\"names\":[\"fail\"],\"mappings\":\";;;"
                + line4 + "\"}";
    }

    static TestServer.Reply upload(String script, String version, String map) {
        return t.putMultipart(t.accountApi("/workers/scripts/" + script), new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"index.js\"}")
                .file("index.js", "index.js", "application/javascript+module", CODE.replace("VERSION", "'" + version + "'"))
                .file("index.js.map", "index.js.map", "application/source-map", map));
    }

    @Test
    void an_uncaught_exception_is_recorded_at_its_original_file_and_line() {
        String marker = UUID.randomUUID().toString();
        assertThat(t.worker("GET", "mapped.smap.test", "/boom-" + marker, null).status()).isEqualTo(500);
        String stack = exceptionStack("script=mapped&q=" + marker);
        assertThat(stack).startsWith("Error: mapped boom at /boom-" + marker + "\n");
        assertThat(stack.lines().skip(1).findFirst().orElseThrow()).contains("(src/index.ts:20:5)")
                .doesNotContain("index.js");
    }

    @Test
    void a_worker_uploaded_without_a_map_keeps_its_raw_stack() {
        String marker = UUID.randomUUID().toString();
        assertThat(t.worker("GET", "raw.raw.test", "/boom-" + marker, null).status()).isEqualTo(500);
        String stack = exceptionStack("script=raw&q=" + marker);
        assertThat(stack.lines().skip(1).findFirst().orElseThrow()).contains("index.js:4:").doesNotContain("src/index.ts");
    }

    @Test
    void each_version_maps_through_its_own_map_and_a_malformed_map_is_refused() {
        String before = UUID.randomUUID().toString();
        assertThat(upload("versioned", "one", map(20)).status()).isEqualTo(200);
        assertThat(t.worker("GET", "v.ver.test", "/boom-" + before, null).status()).isEqualTo(500);

        TestServer.Reply bad = upload("versioned", "bad", "{\"version\":2,\"sources\":[],\"mappings\":\"\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("success").asBoolean()).isFalse();
        assertThat(bad.code()).isEqualTo(10021);
        assertThat(bad.message()).contains("'index.js.map'").contains("version");
        TestServer.Reply vlq = upload("versioned", "bad", "{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"A!AA\"}");
        assertThat(vlq.status()).isEqualTo(400);
        assertThat(vlq.message()).contains("'index.js.map'").contains("VLQ");
        assertThat(t.worker("GET", "v.ver.test", "/hello", null).body()).as("the previous version serves")
                .isEqualTo("one");

        assertThat(upload("versioned", "two", map(40)).status()).isEqualTo(200);
        String after = UUID.randomUUID().toString();
        assertThat(t.worker("GET", "v.ver.test", "/boom-" + after, null).status()).isEqualTo(500);
        assertThat(exceptionStack("script=versioned&q=" + after)).contains("(src/index.ts:40:5)");
        assertThat(exceptionStack("script=versioned&q=" + before)).contains("(src/index.ts:20:5)");

        // Rolling back to the first version maps its new records through the first version's map again.
        JsonNode versions = t.get(t.accountApi("/workers/scripts/versioned/versions")).json().path("result").path("items");
        String first = versions.get(versions.size() - 1).path("id").asText();
        TestServer.Reply rollback = t.postJson(t.accountApi("/workers/scripts/versioned/deployments"),
                "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\"" + first + "\",\"percentage\":100}]}");
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(t.worker("GET", "v.ver.test", "/hello", null).body()).isEqualTo("one");
        String rolledBack = UUID.randomUUID().toString();
        assertThat(t.worker("GET", "v.ver.test", "/boom-" + rolledBack, null).status()).isEqualTo(500);
        assertThat(exceptionStack("script=versioned&q=" + rolledBack)).contains("(src/index.ts:20:5)");
    }

    @Test
    void the_map_counts_toward_the_script_size_limit() {
        // Module and map together exceed the script size after compression (the limit counts them compressed):
        // 14 MB of base64 text made of random bytes compresses to about 10.6 MB.
        byte[] noise = new byte[10 * 1024 * 1024 + 512 * 1024];
        new java.util.Random(11).nextBytes(noise);
        String padding = java.util.Base64.getEncoder().encodeToString(noise);
        TestServer.Reply r = upload("huge", "x", map(20).replace("{\"version\"", "{" + "\"x\":\"" + padding + "\",\"version\""));
        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.message()).startsWith("Script is ");
        assertThat(t.get(t.accountApi("/workers/scripts/huge")).status()).isEqualTo(404);
    }

    private static String exceptionStack(String query) {
        JsonNode record = Await.value(() -> {
            JsonNode result = t.get(t.accountApi(LOGS + "?" + query)).json().get("result");
            return result != null && result.size() > 0 ? result.get(0) : null;
        }, "a record for " + query);
        return record.get("exceptions").get(0).get("stack").asText();
    }

}
