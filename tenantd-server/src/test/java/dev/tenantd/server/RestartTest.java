package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** All state survives a restart: namespaces, scripts, versions, bindings with secrets, routes. */
class RestartTest {
    @TempDir
    Path dir;

    @Test
    void everything_is_still_there_and_serving_after_a_restart() {
        List<Route> routes = List.of(Route.parse("*.persist.test/*=front"));
        String versionId;
        try (TestServer first = new TestServer(dir, routes)) {
            first.createNamespace("keep");
            first.putModule(first.accountApi("/workers/scripts/front"),
                    "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"keep\"}]}",
                    "f.js", "export default { fetch(r, env) { return env.NS.get(new URL(r.url).hostname.split('.')[0]).fetch(r); } };");
            first.putModule(first.accountApi("/workers/dispatch/namespaces/keep/scripts/alpha"),
                    "{\"main_module\":\"a.js\",\"bindings\":[{\"type\":\"secret_text\",\"name\":\"PW\",\"text\":\"hunter2\"}]}",
                    "a.js", "export default { fetch(r, env) { return new Response('alpha ' + env.PW); } };");
            assertThat(first.worker("GET", "alpha.persist.test", "/", null).body()).isEqualTo("alpha hunter2");
            versionId = first.get(first.accountApi("/workers/dispatch/namespaces/keep/scripts/alpha")).json()
                    .path("result").path("script").path("version_id").asText();
        }
        try (TestServer second = new TestServer(dir, routes)) {
            assertThat(second.get(second.accountApi("/workers/dispatch/namespaces")).json().path("result")
                    .findValuesAsText("namespace_name")).containsExactly("keep");
            assertThat(second.get(second.accountApi("/workers/dispatch/namespaces/keep/scripts/alpha")).json()
                    .path("result").path("script").path("version_id").asText()).isEqualTo(versionId);
            assertThat(second.worker("GET", "alpha.persist.test", "/", null).body()).isEqualTo("alpha hunter2");
            assertThat(second.worker("GET", "never-uploaded.localhost", "/", null).status()).isEqualTo(404);
        }
    }
}
