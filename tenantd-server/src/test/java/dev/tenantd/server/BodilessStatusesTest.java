package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers whose status has no body (304, 204) carry no Content-Length: for a 304 one may only
 * name the length the 200 would have had (a cache in front revalidating a stored answer could
 * take a 0 for it), and a 204 must not have one at all (RFC 9110, 8.6).
 */
class BodilessStatusesTest {
    @TempDir
    Path dir;

    @Test
    void not_modified_and_no_content_go_out_without_a_content_length_and_the_connection_serves_on() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            t.deploy("/workers/scripts/conditional", "{\"main_module\":\"w.js\"}", "w.js", """
                    export default { fetch(request) {
                      const path = new URL(request.url).pathname;
                      if (path === '/unchanged') {
                        return new Response(null, { status: 304, headers: { etag: '"v1"' } });
                      }
                      if (path === '/unchanged-worded') {
                        return new Response(null, { status: 304, statusText: 'Still The Same', headers: { etag: '"v1"' } });
                      }
                      if (path === '/nothing') return new Response(null, { status: 204 });
                      return new Response('the page', { headers: { etag: '"v1"' } });
                    } };""");
            try (RawHttp http = RawHttp.connect(t.server.port())) {
                for (String path : List.of("/unchanged", "/unchanged-worded", "/nothing")) {
                    RawHttp.Response answer = http.get("conditional.localhost", path).response();
                    assertThat(answer.status()).as(path).isIn(304, 204);
                    assertThat(answer.headers()).as(path).doesNotContainKey("content-length")
                            .doesNotContainKey("transfer-encoding");
                }
                RawHttp.Response page = http.get("conditional.localhost", "/").response();
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.headers()).containsEntry("content-length", "8").containsEntry("etag", "\"v1\"");
                assertThat(page.body()).isEqualTo("the page");
            }
        }
    }
}
