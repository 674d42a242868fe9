package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients against both listeners, with raw sockets: half a header line, part of a body,
 * a connection that never sends a request and a kept-alive one left idle. Each test waits for
 * the server to close the connection (a generous socket timeout fails it), never for a clock.
 */
class ListenerTimeoutsTest {
    static final String AUTH = "Authorization: Bearer " + TestServer.TOKEN + "\r\n";

    static String apiRequestStart(String method, String path) {
        return method + " /client/v4/accounts/" + TestServer.ACCOUNT + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH;
    }

    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        // short enough to wait for, long enough that a whole request sent at once always makes it
        t = new TestServer(dir, List.of(Route.parse("*.echo.test/*=echo")),
                new ListenerLimits(1000, 1000, 1000, 1024, 100, 100));
        TestServer.Reply up = t.putModule(t.accountApi("/workers/scripts/echo"), "{\"main_module\":\"e.js\"}", "e.js",
                "export default { async fetch(r) { return new Response('got ' + (await r.text()).length) } };");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void half_a_header_line_gets_408_and_is_closed_on_the_worker_listener() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a.echo.test\r\nX-Slow: a");
            RawHttp.Ending end = c.untilClosed();
            assertThat(end.received()).startsWith("HTTP/1.1 408").contains("request headers")
                    .contains("text/plain");
        }
    }

    @Test
    void half_a_header_line_gets_an_envelope_408_and_is_closed_on_the_api_listener() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.apiPort())) {
            c.send(apiRequestStart("GET", "/workers/scripts") + "X-Slow: a");
            RawHttp.Ending end = c.untilClosed();
            assertThat(end.received()).startsWith("HTTP/1.1 408")
                    .contains("{\"success\":false,\"errors\":[{\"code\":10408,").contains("request headers");
        }
    }

    @Test
    void a_connection_that_never_sends_a_request_is_closed_on_both_listeners() throws IOException {
        for (int port : new int[] {t.server.port(), t.server.apiPort()}) {
            try (RawHttp c = RawHttp.connect(port)) {
                assertThat(c.untilClosed().received()).isEmpty();
            }
        }
    }

    @Test
    void part_of_a_body_gets_408_and_is_closed_on_the_worker_listener() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            c.send("POST / HTTP/1.1\r\nHost: a.echo.test\r\nContent-Length: 100\r\n\r\nonly ten b");
            RawHttp.Ending end = c.untilClosed();
            assertThat(end.received()).startsWith("HTTP/1.1 408").contains("request body");
        }
    }

    @Test
    void part_of_a_body_gets_an_envelope_408_and_is_closed_on_the_api_listener() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.apiPort())) {
            c.send(apiRequestStart("PUT", "/workers/scripts/slow")
                    + "Content-Type: application/javascript\r\nContent-Length: 100\r\n\r\nonly ten b");
            RawHttp.Ending end = c.untilClosed();
            assertThat(end.received()).startsWith("HTTP/1.1 408").contains("\"code\":10408").contains("request body");
        }
        assertThat(t.get(t.accountApi("/workers/scripts/slow")).status()).isEqualTo(404);
    }

    @Test
    void an_idle_kept_alive_connection_is_closed_after_its_response_on_both_listeners() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            RawHttp.Response r = c.get("a.echo.test", "/").response();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("got 0");
            assertThat(c.untilClosed().received()).isEmpty();
        }
        try (RawHttp c = RawHttp.connect(t.server.apiPort())) {
            assertThat(c.get("127.0.0.1", "/healthz").response().status()).isEqualTo(200);
            assertThat(c.untilClosed().received()).isEmpty();
        }
    }

    @Test
    void a_client_that_stops_reading_a_large_answer_is_let_go_after_the_idle_timeout() throws Exception {
        // The worker answers after the header timeout has passed, so no timer of the request's
        // remains when the answer's first pieces go out; the client then reads nothing.
        TestServer.Reply up = t.putModule(t.accountApi("/workers/scripts/slowbig"), "{\"main_module\":\"b.js\"}", "b.js", """
                export default { async fetch() {
                  await new Promise((resolve) => setTimeout(resolve, 1500));
                  return new Response(new Uint8Array(8 * 1024 * 1024).fill(66));
                } };""");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        try (RawHttp stalled = RawHttp.connectWithSmallReceiveBuffer(t.server.port(), "127.0.0.3")) {
            assertThat(stalled.get("slowbig.localhost", "/").statusLine()).startsWith("HTTP/1.1 200");
            Await.value(() -> t.bodiesBuffered() == 0 ? Boolean.TRUE : null, "the stalled client's answer to be let go");
            assertThat(stalled.untilClosed().received().length()).isLessThan(8 * 1024 * 1024);
        }
    }

    @Test
    void half_a_header_line_of_a_later_request_gets_408_and_is_closed() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            assertThat(c.get("a.echo.test", "/").response().status()).isEqualTo(200);
            c.send("GET / HTTP/1.1\r\nHost: a.echo.test\r\nX-Slow: a");
            assertThat(c.untilClosed().received()).startsWith("HTTP/1.1 408").contains("request headers");
        }
    }

    /** Each chunk earns the body more time (1 s per 1024 bytes here) than the pause before the next one takes. */
    @Test
    void a_body_sent_slowly_but_steadily_is_served() throws IOException, InterruptedException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            int chunks = 6;
            int size = 4096;
            c.send("POST / HTTP/1.1\r\nHost: a.echo.test\r\nContent-Length: " + chunks * size + "\r\n\r\n");
            for (int i = 0; i < chunks; i++) {
                c.send("x".repeat(size));
                Thread.sleep(400);
            }
            RawHttp.Response r = c.response();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("got " + chunks * size);
        }
    }

    @Test
    void a_kept_alive_connection_serves_requests_one_after_another() throws IOException {
        try (RawHttp c = RawHttp.connect(t.server.port())) {
            for (int i = 0; i < 3; i++) {
                c.send("POST / HTTP/1.1\r\nHost: a.echo.test\r\nContent-Length: 5\r\n\r\nhello");
                RawHttp.Response r = c.response();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("got 5");
            }
        }
    }
}
