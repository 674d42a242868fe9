package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Redirects as the Fetch standard follows them: credentials stay on their origin, the method
 * and body change only where the standard says, and the response tells its final URL. A
 * request's redirect mode is kept: {@code manual} answers the redirect itself, {@code error}
 * fails, and a request a worker is given is {@code manual}, as in Workers, so that a worker
 * passing it on hands the origin's redirect to its client. Two loopback origins on different
 * ports are two origins; the platform's policy opens loopback.
 */
class EgressRedirectTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static Origin a;
    static Origin b;

    static final String FETCHER = """
            export default { async fetch(request) {
              const q = new URL(request.url).searchParams;
              let r;
              try {
                r = q.has('relay') ? await fetch(new Request(q.get('u'), request))
                  : await fetch(q.get('u'), JSON.parse(q.get('init') ?? '{}'));
              } catch (e) {
                return Response.json({ error: `${e.name}: ${e.message}` });
              }
              return Response.json({ status: r.status, url: r.url, redirected: r.redirected,
                location: r.headers.get('location'), given: request.redirect, body: await r.text() });
            } };""";

    @BeforeAll
    static void start() {
        a = new Origin();
        b = new Origin();
        t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("127.0.0.1", "localhost"), List.of()));
        assertThat(t.putModule(t.accountApi("/workers/scripts/fetcher"), "{\"main_module\":\"f.js\"}", "f.js", FETCHER)
                .status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
        a.close();
        b.close();
    }

    private static String at(Origin origin, String path) {
        return "http://127.0.0.1:" + origin.port() + path;
    }

    private static String redirect(Origin from, int status, String location) {
        return at(from, "/to?status=" + status + "&location=" + URLEncoder.encode(location, StandardCharsets.UTF_8));
    }

    private static JsonNode fetch(String url, String initJson) {
        TestServer.Reply r = t.worker("GET", "fetcher.localhost", "/?u=" + URLEncoder.encode(url, StandardCharsets.UTF_8)
                + "&init=" + URLEncoder.encode(initJson, StandardCharsets.UTF_8), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static final String CREDENTIALS = """
            {"headers": {"authorization": "Bearer secret", "cookie": "session=1", "proxy-authorization": "Basic cHJveHk=",
             "x-other": "kept"}}""";

    @Test
    void credentials_are_dropped_on_a_redirect_to_another_origin() {
        JsonNode r = fetch(redirect(a, 302, at(b, "/echo")), CREDENTIALS);
        assertThat(r.path("body").asText()).isEqualTo("GET body=- type=- auth=- cookie=- proxy=- other=kept");
    }

    @Test
    void another_host_on_the_same_port_is_another_origin() {
        JsonNode r = fetch(redirect(a, 302, "http://localhost:" + a.port() + "/echo"), CREDENTIALS);
        assertThat(r.path("body").asText()).isEqualTo("GET body=- type=- auth=- cookie=- proxy=- other=kept");
    }

    @Test
    void credentials_stay_on_a_same_origin_redirect() {
        JsonNode r = fetch(redirect(a, 301, at(a, "/echo")), CREDENTIALS);
        assertThat(r.path("body").asText())
                .isEqualTo("GET body=- type=- auth=Bearer secret cookie=session=1 proxy=Basic cHJveHk= other=kept");
    }

    @Test
    void credentials_dropped_once_do_not_come_back_when_the_redirects_return_to_the_first_origin() {
        JsonNode r = fetch(redirect(a, 302, redirect(b, 307, at(a, "/echo"))), CREDENTIALS);
        assertThat(r.path("body").asText()).isEqualTo("GET body=- type=- auth=- cookie=- proxy=- other=kept");
        assertThat(r.path("url").asText()).isEqualTo(at(a, "/echo"));
    }

    @ParameterizedTest(name = "{1} {0} → {2}")
    @CsvSource({
            "301, POST, GET body=- type=-",
            "302, POST, GET body=- type=-",
            "303, POST, GET body=- type=-",
            "303, PUT, GET body=- type=-",
            "301, PUT, PUT body=payload type=text/x-test",
            "302, PUT, PUT body=payload type=text/x-test",
            "302, DELETE, DELETE body=payload type=text/x-test",
            "307, POST, POST body=payload type=text/x-test",
            "308, PUT, PUT body=payload type=text/x-test"})
    void method_and_body_follow_the_fetch_standard(int status, String method, String expected) {
        JsonNode r = fetch(redirect(a, status, at(a, "/echo")),
                "{\"method\":\"" + method + "\",\"body\":\"payload\",\"headers\":{\"content-type\":\"text/x-test\"}}");
        assertThat(r.path("body").asText()).startsWith(expected + " ");
    }

    @Test
    void response_url_is_the_final_url_and_redirected_says_whether_redirects_happened() {
        JsonNode direct = fetch(at(a, "/echo?x=1#part"), "{}");
        assertThat(direct.path("url").asText()).isEqualTo(at(a, "/echo?x=1"));
        assertThat(direct.path("redirected").asBoolean()).isFalse();

        JsonNode moved = fetch(redirect(a, 302, at(b, "/hello")), "{}");
        assertThat(moved.path("status").asInt()).isEqualTo(200);
        assertThat(moved.path("url").asText()).isEqualTo(at(b, "/hello"));
        assertThat(moved.path("redirected").asBoolean()).isTrue();
    }

    @Test
    void manual_answers_the_redirect_itself() {
        JsonNode r = fetch(redirect(a, 302, at(b, "/hello")), "{\"redirect\":\"manual\"}");
        assertThat(r.path("status").asInt()).isEqualTo(302);
        assertThat(r.path("location").asText()).isEqualTo(at(b, "/hello"));
        assertThat(r.path("redirected").asBoolean()).isFalse();
        assertThat(r.path("url").asText()).isEqualTo(redirect(a, 302, at(b, "/hello")));
        assertThat(r.path("body").asText()).isEmpty();
    }

    @Test
    void error_fails_the_fetch_at_a_redirect() {
        JsonNode r = fetch(redirect(a, 307, at(a, "/echo")), "{\"redirect\":\"error\"}");
        assertThat(r.path("error").asText()).startsWith("TypeError: The response redirects (307)")
                .contains("redirect mode is 'error'");
        JsonNode plain = fetch(at(a, "/echo"), "{\"redirect\":\"error\"}");
        assertThat(plain.path("status").asInt()).isEqualTo(200);
    }

    @Test
    void a_request_a_worker_is_given_hands_the_redirect_on() {
        // new Request(url, request) keeps the given request's mode, as fetch(request) would
        TestServer.Reply reply = t.worker("GET", "fetcher.localhost", "/?relay=1&u="
                + URLEncoder.encode(redirect(a, 301, at(b, "/hello")), StandardCharsets.UTF_8), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode r = reply.json();
        assertThat(r.path("given").asText()).isEqualTo("manual");
        assertThat(r.path("status").asInt()).isEqualTo(301);
        assertThat(r.path("location").asText()).isEqualTo(at(b, "/hello"));
    }
}
