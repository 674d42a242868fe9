package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fetch of the Cloudflare API's address goes to tenantd's own API only with a path its router
 * reads as written: dot segments, encoded or not, would let a path (or a redirect's) reach
 * another route of the API listener, such as the metrics.
 */
class EgressApiPathTest {
    @Test
    void api_paths_pass_and_paths_that_could_climb_out_of_the_api_do_not() {
        for (String path : List.of("/client/v4", "/client/v4/", "/client/v4/accounts/a/workers/scripts/x",
                "/client/v4/accounts/a/storage/kv/namespaces/n/values/a.b", "/client/v4/accounts/a/x...y")) {
            assertThat(Egress.plainApiPath(path)).as(path).isTrue();
        }
        for (String path : List.of("/client/v4/../../metrics", "/client/v4/%2e%2e/%2E%2E/metrics",
                "/client/v4/./x", "/client/v4/accounts/%2Fmetrics", "/client/v4x/metrics", "/client/v4/..",
                "/client/v4/a%5c..%5c..", "/metrics", "")) {
            assertThat(Egress.plainApiPath(path)).as(path).isFalse();
        }
        assertThat(Egress.plainApiPath(null)).isFalse();
    }
}
