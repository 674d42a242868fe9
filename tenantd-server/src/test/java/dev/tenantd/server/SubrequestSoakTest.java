package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of subrequests in a row all complete: a response body delivered on an
 * event loop is never missed by the isolate's thread (a lost body once hung a
 * dispatch chain about once in 400 subrequests).
 */
class SubrequestSoakTest {
    @TempDir
    Path dir;

    @Test
    void every_subrequest_of_many_invocations_completes() {
        Limits platform = Limits.defaults();
        try (TestServer t = new TestServer(dir, List.of(Route.parse("*.soak.test/*=front")), platform)) {
            t.createNamespace("lim");
            t.putModule(t.accountApi("/workers/scripts/front"),
                    "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"lim\"}]}",
                    "f.js", LimitsEndToEndTest.DISPATCHER);
            t.putModule(t.accountApi("/workers/dispatch/namespaces/lim/scripts/fetcher"), "{\"main_module\":\"p.js\"}", "p.js",
                    LimitsEndToEndTest.FETCHER);
            for (int i = 0; i < 200; i++) {
                assertThat(t.worker("GET", "fetcher.soak.test", "/", null).body()).as("round " + i).isEqualTo("10");
            }
        }
    }
}
