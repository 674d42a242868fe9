package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests a listener cannot read as asked (a broken %-escape, headers or a request line
 * over the limits, a line that is not HTTP): the API answers with an envelope saying what to
 * fix, the worker listener with plain text; both keep serving.
 */
class MalformedRequestsTest {
    @TempDir
    static Path dir;
    static TestServer t;

    static final String HUGE_HEADER = "X-Big: " + "a".repeat(16 * 1024) + "\r\n";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.site.test/*=echo"), Route.parse("*.url.test/*=whole")));
        TestServer.Reply up = t.putModule(t.accountApi("/workers/scripts/echo"), "{\"main_module\":\"e.js\"}", "e.js",
                "export default { fetch(r) { return new Response(new URL(r.url).pathname) } };");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        TestServer.Reply whole = t.putModule(t.accountApi("/workers/scripts/whole"), "{\"main_module\":\"e.js\"}", "e.js",
                "export default { fetch(r) { return new Response(r.url + ' ' + r.headers.get('host')) } };");
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static RawHttp.Response api(String requestLine, String extraHeaders) throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.apiPort())) {
            return c.send(requestLine + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.TOKEN + "\r\n"
                    + extraHeaders + "\r\n").response();
        }
    }

    static RawHttp.Response worker(String requestLine, String extraHeaders) throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            return c.send(requestLine + "\r\nHost: a.site.test\r\n" + extraHeaders + "\r\n").response();
        }
    }

    static JsonNode envelope(RawHttp.Response r) throws IOException {
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        JsonNode body = TestServer.JSON.readTree(r.body());
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("result").isNull()).isTrue();
        return body.path("errors").path(0);
    }

    @Test
    void broken_percent_escape_in_an_api_path_is_a_400_envelope_naming_it() throws IOException {
        RawHttp.Response r = api("GET /client/v4/accounts/" + TestServer.ACCOUNT + "/workers/%zz HTTP/1.1", "");
        assertThat(r.status()).isEqualTo(400);
        JsonNode error = envelope(r);
        assertThat(error.path("code").asInt()).isEqualTo(10014);
        assertThat(error.path("message").asText()).contains("%zz", "%25");
        assertThat(t.get(t.api("/user/tokens/verify")).status()).isEqualTo(200);
    }

    @Test
    void sixteen_kilobytes_of_headers_on_the_api_is_a_431_envelope() throws IOException {
        RawHttp.Response r = api("GET /client/v4/accounts/" + TestServer.ACCOUNT + "/workers/scripts HTTP/1.1", HUGE_HEADER);
        assertThat(r.status()).isEqualTo(431);
        JsonNode error = envelope(r);
        assertThat(error.path("code").asInt()).isEqualTo(10431);
        assertThat(error.path("message").asText()).contains("headers are larger than 8192 bytes");
        assertThat(t.get(t.api("/user/tokens/verify")).status()).isEqualTo(200);
    }

    @Test
    void an_over_long_request_line_on_the_api_is_a_414_envelope() throws IOException {
        RawHttp.Response r = api("GET /client/v4/" + "a".repeat(8000) + " HTTP/1.1", "");
        assertThat(r.status()).isEqualTo(414);
        assertThat(envelope(r).path("code").asInt()).isEqualTo(10414);
    }

    @Test
    void a_request_line_that_is_not_http_on_the_api_is_a_400_envelope() throws IOException {
        RawHttp.Response r = api("GET /client/v4/user HTTP/9.x", "");
        assertThat(r.status()).isEqualTo(400);
        JsonNode error = envelope(r);
        assertThat(error.path("code").asInt()).isEqualTo(10014);
        assertThat(error.path("message").asText()).contains("not valid HTTP/1.1");
    }

    @Test
    void sixteen_kilobytes_of_headers_on_the_worker_listener_is_a_431_in_plain_text() throws IOException {
        RawHttp.Response r = worker("GET / HTTP/1.1", HUGE_HEADER);
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.headers().get("content-type")).startsWith("text/plain");
        assertThat(r.body()).contains("headers are larger than 8192 bytes");
        assertThat(t.worker("GET", "a.site.test", "/still", null).body()).isEqualTo("/still");
    }

    @Test
    void an_over_long_request_line_on_the_worker_listener_is_a_414_in_plain_text() throws IOException {
        RawHttp.Response r = worker("GET /" + "a".repeat(8000) + " HTTP/1.1", "");
        assertThat(r.status()).isEqualTo(414);
        assertThat(r.body()).contains("request line is longer than 4096 bytes");
    }

    /** The worker's URL is its Host and the path: an absolute-form request line's own host is not read. */
    @Test
    void an_absolute_form_request_line_gives_the_worker_the_url_of_its_host_header() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            RawHttp.Response r = c.send("GET http://elsewhere.example/x/y?q=1 HTTP/1.1\r\nHost: a.url.test\r\n\r\n").response();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("http://a.url.test/x/y?q=1 a.url.test");
        }
    }

    @Test
    void a_request_without_a_host_or_with_two_is_a_400_in_plain_text() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            RawHttp.Response r = c.send("GET /x HTTP/1.1\r\n\r\n").response();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("exactly one Host header");
        }
        // HTTP/1.0 may leave it out: then no host routes it (a route for every host would)
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            RawHttp.Response r = c.send("GET /x HTTP/1.0\r\n\r\n").response();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains("No worker is routed");
        }
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            RawHttp.Response r = c.send("GET @evil.example/ HTTP/1.1\r\nHost: a.url.test\r\n\r\n").response();
            assertThat(r.status()).isEqualTo(400);
        }
        RawHttp.Response two = worker("GET /x HTTP/1.1", "Host: b.url.test\r\n");
        assertThat(two.status()).isEqualTo(400);
        assertThat(two.body()).contains("exactly one Host header");
    }

    /** The worker's URL keeps such an escape as it came, as URL parsers (and Cloudflare) do; the worker decides. */
    @Test
    void broken_percent_escape_on_the_worker_listener_reaches_the_worker_as_sent() throws IOException {
        RawHttp.Response r = worker("GET /a%zz HTTP/1.1", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("/a%zz");
    }
}
