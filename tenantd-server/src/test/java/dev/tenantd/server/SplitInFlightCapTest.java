package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Limits;
import dev.tenantd.platform.ScriptRef;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [limits] concurrent-invocations holds per script: the versions of a split deployment share
 * the cap, instead of each having one of its own.
 */
class SplitInFlightCapTest {
    @TempDir
    Path dir;

    @Test
    void the_versions_of_a_split_deployment_share_the_scripts_cap_of_requests_in_flight() throws Exception {
        Limits limits = new Limits(30_000, 128, 50, 10L * 1024 * 1024, 1_000, 128 * 1024, 60_000, 100, 2);
        try (TestServer t = new TestServer(dir, List.of(), limits)) {
            String code = "export default { async fetch() { await new Promise((r) => setTimeout(r, 15000)); "
                    + "return new Response('%s'); } };";
            String url = t.accountApi("/workers/scripts/split");
            assertThat(t.putModule(url, "{\"main_module\":\"w.js\"}", "w.js", code.formatted("one")).status()).isEqualTo(200);
            String v1 = t.get(url + "/versions").json().at("/result/items/0/id").asText();
            assertThat(t.putModule(url, "{\"main_module\":\"w.js\"}", "w.js", code.formatted("two")).status()).isEqualTo(200);
            String v2 = t.get(url + "/versions").json().at("/result/items/0/id").asText();
            assertThat(v2).isNotEqualTo(v1);
            assertThat(t.postJson(url + "/deployments", "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\""
                    + v1 + "\",\"percentage\":50},{\"version_id\":\"" + v2 + "\",\"percentage\":50}]}").status()).isEqualTo(200);

            ScriptRef ref = ScriptRef.plain(TestServer.ACCOUNT, "split");
            List<CompletableFuture<TestServer.Reply>> held = List.of(
                    CompletableFuture.supplyAsync(() -> t.worker("GET", "split.localhost", "/", null)),
                    CompletableFuture.supplyAsync(() -> t.worker("GET", "split.localhost", "/", null)));
            Await.value(() -> t.server.platform().invoker().inFlight(ref) == 2 ? Boolean.TRUE : null, "two requests in flight");
            for (int i = 0; i < 4; i++) {
                TestServer.Reply third = t.worker("GET", "split.localhost", "/", null);
                assertThat(third.status()).as("whichever version it rolls").isEqualTo(503);
                assertThat(third.body()).contains("already has 2 requests in flight");
            }
            for (CompletableFuture<TestServer.Reply> r : held) {
                assertThat(r.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
    }
}
