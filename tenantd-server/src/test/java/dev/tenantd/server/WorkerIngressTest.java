package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.WorkerResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What the worker listener puts on the wire: the headers a worker set, the client's address, always an answer. */
class WorkerIngressTest {
    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
        assertThat(t.putModule(t.accountApi("/workers/scripts/echo-ip"), "{\"main_module\":\"e.js\"}", "e.js", """
                export default { fetch(request) {
                  return new Response(JSON.stringify(request.headers.get('cf-connecting-ip')));
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/headers"), "{\"main_module\":\"h.js\"}", "h.js", """
                export default { fetch(request) {
                  const seen = [];
                  for (const [name, value] of request.headers) {
                    if (name !== 'host' && name !== 'connection' && name !== 'cf-connecting-ip') seen.push(name + '=' + value);
                  }
                  return new Response(seen.join(','));
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/joiner"), "{\"main_module\":\"j.js\"}", "j.js", """
                const join = Array.prototype.join;
                Array.prototype.join = function (separator) {
                  const joined = join.call(this, separator);
                  return separator === '\\0' ? joined + '\\0x-injected\\0yes\\0x-split\\0a\\r\\nx-evil: 1' : joined;
                };
                export default { fetch() { return new Response('joined', { headers: { 'x-set': 'mine' } }); } };
                """).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    /** A request sent byte for byte as written, with a timeout: a response that never comes fails the test. */
    static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static List<String> headerLines(String response) {
        return response.substring(0, response.indexOf("\r\n\r\n")).lines().skip(1).toList();
    }

    @Test
    void an_unrouted_host_is_told_the_workers_dev_domain_this_server_has(@TempDir Path other) throws Exception {
        ServerConfig d = TestServer.defaults(other, List.of());
        try (TenantdServer server = TenantdServer.start(new ServerConfig(d.dataDir(), d.listen(), d.apiListen(),
                d.accountId(), d.apiToken(), d.routes(), "workers.example", d.limits(), d.egress(), d.jsThreads(),
                d.listenerLimits(), d.capacity()))) {
            String response = raw(server.port(), "GET / HTTP/1.1\r\nHost: nowhere.test\r\nConnection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 404").endsWith("No worker is routed for host 'nowhere.test'. Add a "
                    + "route (--route 'PATTERN=SCRIPT') or use <script>.workers.example for a plain worker.\n");
        }
    }

    @Test
    void a_worker_whose_workers_dev_switch_is_off_is_not_served_at_its_workers_dev_name() {
        t.deploy("/workers/scripts/internal-only", "{\"main_module\":\"w.js\"}", "w.js",
                "export default { fetch() { return new Response('internal'); } };");
        assertThat(t.worker("GET", "internal-only.localhost", "/", null).body()).as("on until switched off")
                .isEqualTo("internal");

        TestServer.Reply off = t.postJson(t.accountApi("/workers/scripts/internal-only/subdomain"), "{\"enabled\":false}");
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.json().path("result").path("enabled").asBoolean()).isFalse();
        TestServer.Reply r = t.worker("GET", "internal-only.localhost", "/", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("internal\n").startsWith("No worker is routed for host");

        t.postJson(t.accountApi("/workers/scripts/internal-only/subdomain"), "{\"enabled\":true}");
        assertThat(t.worker("GET", "internal-only.localhost", "/", null).body()).isEqualTo("internal");
    }

    @Test
    void a_client_that_waits_for_100_continue_is_asked_for_its_body() throws Exception {
        assertThat(t.putModule(t.accountApi("/workers/scripts/echo-body"), "{\"main_module\":\"b.js\"}", "b.js",
                "export default { async fetch(request) { return new Response('got ' + await request.text()); } };")
                .status()).isEqualTo(200);
        try (Socket s = new Socket("127.0.0.1", t.server.port())) {
            // Well within the 20 s the server gives a body to arrive, which the old code waited out.
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: echo-body.localhost\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder interim = new StringBuilder();
            while (!interim.toString().endsWith("\r\n\r\n")) {
                interim.append((char) in.read());
            }
            assertThat(interim.toString()).startsWith("HTTP/1.1 100 Continue\r\n");
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("\r\n\r\ngot hello");
        }
    }

    @Test
    void an_http_1_0_client_kept_alive_gets_a_body_of_no_declared_length_ended_by_the_connection() throws Exception {
        assertThat(t.putModule(t.accountApi("/workers/scripts/streamer"), "{\"main_module\":\"s.js\"}", "s.js", """
                export default { fetch() {
                  // 4 MB in 64 KiB pieces: more than the connection takes at once, all of it sent before the close
                  let left = 64;
                  return new Response(new ReadableStream({ pull(c) {
                    if (left-- > 0) c.enqueue(new Uint8Array(65536).fill(97)); else { c.enqueue(new TextEncoder().encode('end')); c.close(); }
                  } }));
                } };""").status()).isEqualTo(200);
        // raw() reads to the end of the connection, within its time-out; the server's idle time-out is 75 s.
        String response = raw(t.server.port(), "GET / HTTP/1.0\r\nHost: streamer.localhost\r\nConnection: keep-alive\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.0 200").endsWith("a".repeat(64) + "end");
        assertThat(response.length() - response.indexOf("\r\n\r\n") - 4).isEqualTo(64 * 65536 + 3);
        assertThat(headerLines(response)).noneMatch(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding"));
    }

    @Test
    void a_client_sent_cf_connecting_ip_is_replaced_by_the_address_of_the_connection() throws Exception {
        String response = raw(t.server.port(), "GET / HTTP/1.1\r\nHost: echo-ip.localhost\r\n"
                + "CF-Connecting-IP: 203.0.113.7\r\ncf-connecting-ip: 198.51.100.1\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).isEqualTo("\"127.0.0.1\"");
    }

    @Test
    void headers_that_cloudflare_or_the_platform_set_never_come_from_the_client() throws Exception {
        String response = raw(t.server.port(), "GET / HTTP/1.1\r\nHost: headers.localhost\r\nCF-IPCountry: CH\r\n"
                + "cf-ray: forged\r\ncf-visitor: {}\r\nTrue-Client-IP: 203.0.113.9\r\ncf-connecting-ipv6: ::1\r\n"
                + "CF-IPCity: Zurich\r\ncf-region: ZH\r\ncf-iplatitude: 47.37\r\ncf-access-authenticated-user-email: a@b.c\r\n"
                + "x-tenantd-depth: 3\r\ncf-access-jwt-assertion: signed.token.here\r\nx-kept: yes\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200");
        // Access's token is signed: a worker behind Access checks it, and no client can forge one
        assertThat(response.substring(response.indexOf("\r\n\r\n") + 4))
                .isEqualTo("cf-access-jwt-assertion=signed.token.here,x-kept=yes");
    }

    @Test
    void a_worker_that_changes_how_its_arrays_join_sends_exactly_the_headers_it_set() throws Exception {
        String response = raw(t.server.port(), "GET / HTTP/1.1\r\nHost: joiner.localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(headerLines(response)).filteredOn(line -> !line.toLowerCase().startsWith("content-")
                && !line.toLowerCase().startsWith("connection:")).containsExactly("x-set: mine");
        assertThat(response).endsWith("joined");
    }

    @Test
    void a_response_that_cannot_go_on_the_wire_is_answered_with_500_and_logged() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger ingressLog = (Logger) LoggerFactory.getLogger(WorkerIngress.class);
        ingressLog.addAppender(log);
        Vertx vertx = Vertx.vertx();
        try {
            BodyBudget budget = new BodyBudget(1 << 20);
            List<WorkerResponse> unwritable = List.of(
                    new WorkerResponse(200, "", List.of("x-a", "b\r\nx-evil: 1"), "body".getBytes(StandardCharsets.UTF_8)),
                    new WorkerResponse(200, "", List.of("bad name", "v"), new byte[0]),
                    new WorkerResponse(200, "OK\r\nx-evil: 1", List.of(), new byte[0]));
            for (WorkerResponse response : unwritable) {
                HttpServer server = vertx.createHttpServer().requestHandler(request ->
                        WorkerIngress.answer(request.response(), ScriptRef.plain("acct", "broken"), response, null, budget));
                int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS).actualPort();
                try {
                    String answer = raw(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    assertThat(answer).startsWith("HTTP/1.1 500").doesNotContainIgnoringCase("x-evil")
                            .endsWith("Worker threw exception\n");
                } finally {
                    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
            }
            assertThat(log.list).hasSize(3).allSatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("writing the response of worker broken failed"));
        } finally {
            ingressLog.detachAppender(log);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_server_log_shows_a_thrown_message_of_megabytes_cut_short() throws Exception {
        assertThat(t.putModule(t.accountApi("/workers/scripts/thrower"), "{\"main_module\":\"t.js\"}", "t.js", """
                export default { fetch() { throw new Error('x'.repeat(4 * 1024 * 1024)); } };""").status())
                .isEqualTo(200);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger ingressLog = (Logger) LoggerFactory.getLogger(WorkerIngress.class);
        ingressLog.addAppender(log);
        try {
            assertThat(t.worker("GET", "thrower.localhost", "/", null).status()).isEqualTo(500);
            assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).startsWith("worker thrower threw: Error: xxx")
                    // the isolate lets 16 KiB and an ellipsis out; the log line shows the first of them
                    .endsWith("... (" + (16 * 1024 + 1 - LogText.MAX_CHARS) + " more characters)")
                    .hasSizeLessThan(LogText.MAX_CHARS + 100));
        } finally {
            ingressLog.detachAppender(log);
        }
    }
}
