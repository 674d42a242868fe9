package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's files on the API listener, and the API additions it relies on: name-prefix search, a namespace script's tails. */
class DashboardFilesTest {
    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
        t.createNamespace("shop");
        for (String name : List.of("alpha-1", "alpha-2", "alps", "beta")) {
            assertThat(t.putJs(t.accountApi("/workers/dispatch/namespaces/shop/scripts/" + name),
                    "addEventListener('fetch', (e) => e.respondWith(new Response('" + name + "')));").status()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static TestServer.Reply plain(String path) {
        return t.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.apiPort() + path)).GET());
    }

    @Test
    void the_page_is_public_and_carries_a_strict_content_security_policy() {
        TestServer.Reply page = plain("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/dashboard/app.js\">");
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(page.headers().firstValue("cross-origin-opener-policy")).hasValue("same-origin");
    }

    @Test
    void each_file_is_served_with_its_type_and_an_etag() {
        for (String file : List.of("api.js", "dom.js", "highlight.js", "logs.js", "charts.js")) {
            assertThat(plain("/dashboard/" + file).headers().firstValue("content-type")).as(file)
                    .hasValue("text/javascript; charset=utf-8");
        }
        TestServer.Reply js = plain("/dashboard/app.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(plain("/dashboard/app.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        String etag = js.headers().firstValue("etag").orElseThrow();
        TestServer.Reply again = t.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.apiPort()
                + "/dashboard/app.js")).header("If-None-Match", etag).GET());
        assertThat(again.status()).isEqualTo(304);
    }

    @Test
    void names_that_are_no_dashboard_file_get_404_and_never_reach_the_disk() {
        for (String path : List.of("/dashboard/nope.js", "/dashboard/..%2fpom.xml", "/dashboard/%2e%2e%2fpom.xml",
                "/dashboard/", "/dashboard/app.js/..%2f..%2fpom.xml")) {
            TestServer.Reply r = plain(path);
            assertThat(r.status()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("<project");
        }
        // a path that resolves to the root is the dashboard's own page, nothing else
        TestServer.Reply up = plain("/dashboard/%2e%2e");
        assertThat(up.body()).isEqualTo(plain("/").body());
    }

    @Test
    void the_api_still_needs_a_token_next_to_the_public_dashboard() {
        TestServer.Reply r = plain("/client/v4/accounts/" + TestServer.ACCOUNT + "/workers/dispatch/namespaces");
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void the_script_list_filters_by_name_prefix_together_with_paging() {
        TestServer.Reply r = t.get(t.accountApi("/workers/dispatch/namespaces/shop/scripts?prefix=alp&per_page=2&page=1"));
        assertThat(r.json().path("result").findValuesAsText("id")).containsExactly("alpha-1", "alpha-2");
        assertThat(r.json().path("result_info").path("total_count").asInt()).isEqualTo(3);
        TestServer.Reply second = t.get(t.accountApi("/workers/dispatch/namespaces/shop/scripts?prefix=alp&per_page=2&page=2"));
        assertThat(second.json().path("result").findValuesAsText("id")).containsExactly("alps");
        TestServer.Reply none = t.get(t.accountApi("/workers/dispatch/namespaces/shop/scripts?prefix=%3Cscript%3E"));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().path("result")).isEmpty();
    }

    @Test
    void a_namespace_script_can_be_tailed_and_its_tail_deleted_only_through_its_own_path() {
        String alpha = t.accountApi("/workers/dispatch/namespaces/shop/scripts/alpha-1/tails");
        TestServer.Reply created = t.postJson(alpha, "{\"filters\":[]}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().path("result").path("id").asText();
        assertThat(created.json().path("result").path("url").asText()).startsWith("ws://").contains("/tails/" + id + "/");
        assertThat(t.get(alpha).json().path("result").findValuesAsText("id")).containsExactly(id);

        // another script's path does not reach this tail
        TestServer.Reply wrong = t.delete(t.accountApi("/workers/dispatch/namespaces/shop/scripts/alps/tails/" + id));
        assertThat(wrong.status()).isEqualTo(404);
        assertThat(t.get(alpha).json().path("result").findValuesAsText("id")).containsExactly(id);

        assertThat(t.delete(alpha + "/" + id).status()).isEqualTo(200);
        assertThat(t.get(alpha).json().path("result")).isEmpty();
        TestServer.Reply missing = t.postJson(t.accountApi("/workers/dispatch/namespaces/shop/scripts/nobody/tails"), "{}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("nobody");
    }
}
