package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wrangler tail} against a real server: the tails API, the trace-v1 WebSocket and the events on it. */
class TailTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static Vertx vertx;

    static final String CHATTY = """
            export default { async fetch(request) {
              const url = new URL(request.url);
              if (url.pathname === '/boom') {
                console.warn('about to throw');
                throw new TypeError('kaboom');
              }
              console.log('hello', { n: 1, list: [1, 'two'] }, 42);
              console.error('bad thing');
              return new Response('ok', { status: 201 });
            } };""";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
        vertx = Vertx.vertx();
        t.createNamespace("tenants");
        upload("chatty", "{\"main_module\":\"w.js\",\"compatibility_date\":\"2024-09-23\"}", CHATTY);
        upload("quiet", "{\"main_module\":\"w.js\",\"compatibility_date\":\"2024-09-23\"}",
                "export default { fetch() { return new Response('quiet ok'); } };");
        upload("router", "{\"main_module\":\"w.js\",\"compatibility_date\":\"2024-09-23\",\"bindings\":"
                + "[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"}]}", """
                export default { async fetch(request, env) {
                  console.log('dispatching', new URL(request.url).pathname);
                  return env.NS.get('acme').fetch(request);
                } };""");
        assertThat(t.putJs(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/acme"),
                "addEventListener('fetch', (e) => { console.log('acme here'); e.respondWith(new Response('acme', {status: 202})); });")
                .status()).isEqualTo(200);
    }

    static void upload(String name, String metadata, String code) {
        TestServer.Reply r = t.putModule(t.accountApi("/workers/scripts/" + name), metadata, "w.js", code);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        vertx.close();
        t.close();
    }

    static JsonNode createTail(String script, String body) {
        TestServer.Reply r = t.postJson(t.accountApi("/workers/scripts/" + script + "/tails"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("result");
    }

    /** Connects as wrangler does: subprotocol trace-v1, then an unmasked {"debug":false}, then a ping. */
    static RawWebSocket connectLikeWrangler(String url) throws Exception {
        RawWebSocket.Handshake h = RawWebSocket.connect(url, "trace-v1");
        assertThat(h.status()).isEqualTo(101);
        assertThat(h.headers()).containsEntry("sec-websocket-protocol", "trace-v1");
        RawWebSocket ws = h.socket();
        ws.sendUnmaskedText("{\"debug\":false}");
        ws.sendPing("wrangler tail ping");
        RawWebSocket.Frame pong = ws.readUntil(RawWebSocket.PONG);
        assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
        assertThat(pong.text()).isEqualTo("wrangler tail ping");
        return ws;
    }

    static JsonNode nextEvent(RawWebSocket ws) throws Exception {
        RawWebSocket.Frame f = ws.readUntil(RawWebSocket.TEXT);
        assertThat(f.opcode()).as("a text frame, not the end of the tail").isEqualTo(RawWebSocket.TEXT);
        return TestServer.JSON.readTree(f.text());
    }

    /** What browsers offer; a server that took it would inflate a client's frames without bound and deflate on its event loops. */
    static final String DEFLATE_OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

    @Test
    void neither_listener_takes_an_offer_of_websocket_compression() throws Exception {
        JsonNode tail = createTail("chatty", "{}");
        String url = tail.path("url").asText();
        RawWebSocket.Handshake api = RawWebSocket.connect(url, "trace-v1", java.net.URI.create(url).getAuthority(),
                DEFLATE_OFFER);
        assertThat(api.status()).isEqualTo(101);
        assertThat(api.headers()).doesNotContainKey("sec-websocket-extensions");
        api.socket().close();
        upload("sockets", "{\"main_module\":\"w.js\"}", """
                export default { fetch() {
                  const [client, server] = new WebSocketPair();
                  server.accept();
                  return new Response(null, { status: 101, webSocket: client });
                } };""");
        RawWebSocket.Handshake worker = RawWebSocket.connect("ws://127.0.0.1:" + t.server.port() + "/", "chat",
                "sockets.localhost", DEFLATE_OFFER);
        assertThat(worker.status()).isEqualTo(101);
        assertThat(worker.headers()).doesNotContainKey("sec-websocket-extensions");
        worker.socket().close();
    }

    @Test
    void streams_each_invocation_with_logs_exceptions_request_and_response_to_every_tail() throws Exception {
        JsonNode first = createTail("chatty", "{\"filters\":[]}");
        JsonNode second = createTail("chatty", "{}");
        assertThat(first.path("id").asText()).hasSize(32).isNotEqualTo(second.path("id").asText());
        assertThat(first.path("url").asText()).startsWith("ws://127.0.0.1:" + t.server.apiPort() + "/client/v4/tails/");
        assertThat(first.path("expires_at").asText()).endsWith("Z");

        BlockingQueue<String> viaVertx = new LinkedBlockingQueue<>();
        CompletableFuture<String> pong = new CompletableFuture<>();
        WebSocketClient client = vertx.createWebSocketClient();
        WebSocket vertxSocket = client.connect(new WebSocketConnectOptions()
                        .setAbsoluteURI(second.path("url").asText()).addSubProtocol("trace-v1"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(vertxSocket.subProtocol()).isEqualTo("trace-v1");
        vertxSocket.textMessageHandler(viaVertx::add);
        vertxSocket.pongHandler(b -> pong.complete(b.toString()));
        vertxSocket.writeTextMessage("{\"debug\":false}");
        vertxSocket.writePing(Buffer.buffer("wrangler tail ping"));
        assertThat(pong.get(10, TimeUnit.SECONDS)).isEqualTo("wrangler tail ping");

        try (RawWebSocket raw = connectLikeWrangler(first.path("url").asText())) {
            long before = System.currentTimeMillis();
            TestServer.Reply ok = t.worker("GET", "chatty.localhost", "/hello?x=1", null);
            assertThat(ok.status()).isEqualTo(201);
            TestServer.Reply boom = t.worker("POST", "chatty.localhost", "/boom", "payload");
            assertThat(boom.status()).isEqualTo(500);

            for (JsonNode[] events : List.of(
                    new JsonNode[] {nextEvent(raw), nextEvent(raw)},
                    new JsonNode[] {json(viaVertx.poll(10, TimeUnit.SECONDS)), json(viaVertx.poll(10, TimeUnit.SECONDS))})) {
                JsonNode hello = events[0];
                assertThat(hello.path("outcome").asText()).isEqualTo("ok");
                assertThat(hello.path("scriptName").asText()).isEqualTo("chatty");
                assertThat(hello.path("eventTimestamp").asLong()).isBetween(before - 1000, System.currentTimeMillis());
                assertThat(hello.path("logs")).hasSize(2);
                assertThat(hello.path("logs").path(0).path("level").asText()).isEqualTo("log");
                assertThat(hello.path("logs").path(0).path("message").toString())
                        .isEqualTo("[\"hello\",{\"n\":1,\"list\":[1,\"two\"]},42]");
                assertThat(hello.path("logs").path(0).path("timestamp").asLong()).isGreaterThanOrEqualTo(before);
                assertThat(hello.path("logs").path(1).path("level").asText()).isEqualTo("error");
                assertThat(hello.path("logs").path(1).path("message").toString()).isEqualTo("[\"bad thing\"]");
                assertThat(hello.path("exceptions")).isEmpty();
                JsonNode request = hello.path("event").path("request");
                assertThat(request.path("url").asText()).isEqualTo("http://chatty.localhost/hello?x=1");
                assertThat(request.path("method").asText()).isEqualTo("GET");
                assertThat(request.path("headers").path("host").asText()).isEqualTo("chatty.localhost");
                assertThat(request.path("cf").isObject()).isTrue();
                assertThat(hello.path("event").path("response").path("status").asInt()).isEqualTo(201);

                JsonNode thrown = events[1];
                assertThat(thrown.path("outcome").asText()).isEqualTo("exception");
                assertThat(thrown.path("logs").path(0).path("level").asText()).isEqualTo("warn");
                assertThat(thrown.path("logs").path(0).path("message").path(0).asText()).isEqualTo("about to throw");
                assertThat(thrown.path("exceptions")).hasSize(1);
                assertThat(thrown.path("exceptions").path(0).path("name").asText()).isEqualTo("TypeError");
                assertThat(thrown.path("exceptions").path(0).path("message").asText()).isEqualTo("kaboom");
                assertThat(thrown.path("exceptions").path(0).path("timestamp").asLong()).isGreaterThanOrEqualTo(before);
                assertThat(thrown.path("event").path("request").path("method").asText()).isEqualTo("POST");
                assertThat(thrown.path("event").has("response")).as("no response was sent").isFalse();
            }
        } finally {
            vertxSocket.close();
            client.close();
            t.delete(t.accountApi("/workers/scripts/chatty/tails/" + first.path("id").asText()));
            t.delete(t.accountApi("/workers/scripts/chatty/tails/" + second.path("id").asText()));
        }
    }

    private static JsonNode json(String text) throws Exception {
        assertThat(text).as("an event within 10 s").isNotNull();
        return TestServer.JSON.readTree(text);
    }

    @Test
    void filters_by_outcome_and_method_and_ignores_unknown_filters() throws Exception {
        JsonNode errors = createTail("chatty", "{\"filters\":[{\"outcome\":[\"exception\",\"exceededCpu\"]},{\"future\":true}]}");
        JsonNode posts = createTail("chatty", "{\"filters\":[{\"method\":[\"post\"]},{\"sampling_rate\":1}]}");
        try (RawWebSocket e = connectLikeWrangler(errors.path("url").asText());
                RawWebSocket p = connectLikeWrangler(posts.path("url").asText())) {
            t.worker("GET", "chatty.localhost", "/hello", null);
            t.worker("POST", "chatty.localhost", "/hello", "x");
            t.worker("GET", "chatty.localhost", "/boom", null);
            JsonNode firstError = nextEvent(e);
            assertThat(firstError.path("outcome").asText()).isEqualTo("exception");
            assertThat(firstError.path("event").path("request").path("method").asText()).isEqualTo("GET");
            JsonNode firstPost = nextEvent(p);
            assertThat(firstPost.path("event").path("request").path("method").asText()).isEqualTo("POST");
            assertThat(firstPost.path("outcome").asText()).isEqualTo("ok");
        } finally {
            t.delete(t.accountApi("/workers/scripts/chatty/tails/" + errors.path("id").asText()));
            t.delete(t.accountApi("/workers/scripts/chatty/tails/" + posts.path("id").asText()));
        }
    }

    @Test
    void a_dispatch_worker_is_tailed_like_any_plain_worker() throws Exception {
        JsonNode tail = createTail("router", "{\"filters\":[]}");
        try (RawWebSocket ws = connectLikeWrangler(tail.path("url").asText())) {
            TestServer.Reply r = t.worker("GET", "router.localhost", "/to-acme", null);
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.body()).isEqualTo("acme");
            JsonNode event = nextEvent(ws);
            assertThat(event.path("scriptName").asText()).isEqualTo("router");
            assertThat(event.path("outcome").asText()).isEqualTo("ok");
            assertThat(event.path("logs").path(0).path("message").toString()).isEqualTo("[\"dispatching\",\"/to-acme\"]");
            assertThat(event.path("logs")).as("the user worker's own logs are its own").hasSize(1);
            assertThat(event.path("event").path("response").path("status").asInt()).isEqualTo(202);
        } finally {
            t.delete(t.accountApi("/workers/scripts/router/tails/" + tail.path("id").asText()));
        }
    }

    @Test
    void delete_ends_the_tail_and_closes_its_socket() throws Exception {
        JsonNode tail = createTail("chatty", "{\"filters\":[]}");
        String id = tail.path("id").asText();
        assertThat(t.get(t.accountApi("/workers/scripts/chatty/tails")).json().path("result").findValuesAsText("id"))
                .contains(id);
        try (RawWebSocket ws = connectLikeWrangler(tail.path("url").asText())) {
            TestServer.Reply deleted = t.delete(t.accountApi("/workers/scripts/chatty/tails/" + id));
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json().path("success").asBoolean()).isTrue();
            assertThat(deleted.json().path("result").isNull()).isTrue();
            assertThat(ws.readUntil(RawWebSocket.CLOSE).opcode()).isEqualTo(RawWebSocket.CLOSE);
        }
        assertThat(t.get(t.accountApi("/workers/scripts/chatty/tails")).json().path("result").findValuesAsText("id"))
                .doesNotContain(id);
        assertThat(RawWebSocket.connect(tail.path("url").asText(), "trace-v1").status()).isEqualTo(404);
        TestServer.Reply again = t.delete(t.accountApi("/workers/scripts/chatty/tails/" + id));
        assertThat(again.status()).isEqualTo(404);
    }

    @Test
    void a_tail_ends_when_its_client_goes_away() throws Exception {
        JsonNode tail = createTail("chatty", "{\"filters\":[]}");
        String id = tail.path("id").asText();
        connectLikeWrangler(tail.path("url").asText()).close();
        long deadline = System.currentTimeMillis() + 10_000;
        while (t.get(t.accountApi("/workers/scripts/chatty/tails")).json().path("result").findValuesAsText("id").contains(id)) {
            assertThat(System.currentTimeMillis()).as("the tail is gone within 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(t.worker("GET", "chatty.localhost", "/hello", null).status()).isEqualTo(201);
    }

    @Test
    void refuses_a_wrong_or_missing_credential_before_upgrading() throws Exception {
        JsonNode tail = createTail("chatty", "{\"filters\":[]}");
        String url = tail.path("url").asText();
        try {
            String wrongSecret = url.substring(0, url.lastIndexOf('/') + 1) + "not-the-secret";
            assertThat(RawWebSocket.connect(wrongSecret, "trace-v1").status()).isEqualTo(404);
            assertThat(RawWebSocket.connect(t.api("/tails/0123456789abcdef0123456789abcdef/x").replace("http:", "ws:"),
                    "trace-v1").status()).isEqualTo(404);
            TestServer.Reply plainGet = t.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url.replace("ws:", "http:"))).GET());
            assertThat(plainGet.status()).isEqualTo(400);
            assertThat(plainGet.message()).contains("WebSocket");
        } finally {
            t.delete(t.accountApi("/workers/scripts/chatty/tails/" + tail.path("id").asText()));
        }
    }

    @Test
    void creating_a_tail_needs_the_token_an_existing_worker_and_valid_filters() {
        TestServer.Reply missing = t.postJson(t.accountApi("/workers/scripts/nope/tails"), "{\"filters\":[]}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo(10007);
        TestServer.Reply badFilter = t.postJson(t.accountApi("/workers/scripts/chatty/tails"), "{\"filters\":[{\"outcome\":\"ok\"}]}");
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.message()).contains("outcome");
        TestServer.Reply notJson = t.postJson(t.accountApi("/workers/scripts/chatty/tails"), "{filters");
        assertThat(notJson.status()).isEqualTo(400);
        TestServer.Reply anonymous = t.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(t.accountApi("/workers/scripts/chatty/tails")))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"filters\":[]}")));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(t.get(t.accountApi("/workers/scripts/chatty/tails")).json().path("result")).isEmpty();
    }

    @Test
    void a_worker_takes_a_bounded_number_of_tails() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < dev.tenantd.platform.Tails.MAX_PER_SCRIPT; i++) {
            ids.add(createTail("router", "{}").path("id").asText());
        }
        TestServer.Reply refused = t.postJson(t.accountApi("/workers/scripts/router/tails"), "{}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.message()).contains("tails already");
        TestServer.Reply hugeFilter = t.postJson(t.accountApi("/workers/scripts/quiet/tails"),
                "{\"filters\":[{\"query\":\"" + "x".repeat(dev.tenantd.platform.Tails.MAX_FILTER_CHARS) + "\"}]}");
        assertThat(hugeFilter.status()).isEqualTo(400);
        assertThat(hugeFilter.message()).contains("characters of JSON");
        assertThat(t.delete(t.accountApi("/workers/scripts/router/tails/" + ids.remove(0))).status()).isEqualTo(200);
        ids.add(createTail("router", "{}").path("id").asText()); // room again once one is deleted
        for (String id : ids) {
            assertThat(t.delete(t.accountApi("/workers/scripts/router/tails/" + id)).status()).isEqualTo(200);
        }
    }

    @Test
    void a_worker_without_tails_serves_as_before() {
        TestServer.Reply r = t.worker("GET", "quiet.localhost", "/", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("quiet ok");
        assertThat(t.get(t.accountApi("/workers/scripts/quiet/tails")).json().path("result")).isEmpty();
    }

    @Test
    void deleting_a_namespace_ends_the_tails_of_its_workers() {
        try (TestServer own = new TestServer(dir.resolve("namespace-deleted"), List.of())) {
            own.createNamespace("going");
            // as many tails as the account may have, all on workers of the namespace
            for (int i = 0; i < dev.tenantd.platform.Tails.MAX_PER_ACCOUNT / dev.tenantd.platform.Tails.MAX_PER_SCRIPT; i++) {
                String script = own.accountApi("/workers/dispatch/namespaces/going/scripts/w" + i);
                assertThat(own.putJs(script, "addEventListener('fetch', (e) => e.respondWith(new Response('w')));").status())
                        .isEqualTo(200);
                for (int j = 0; j < dev.tenantd.platform.Tails.MAX_PER_SCRIPT; j++) {
                    assertThat(own.postJson(script + "/tails", "{}").status()).isEqualTo(200);
                }
            }
            assertThat(own.delete(own.accountApi("/workers/dispatch/namespaces/going")).status()).isEqualTo(200);
            // the namespace's tails went with it: the account may open tails again
            TestServer.Reply worker = own.putModule(own.accountApi("/workers/scripts/after"), "{\"main_module\":\"w.js\"}",
                    "w.js", "export default { fetch() { return new Response('after'); } };");
            assertThat(worker.status()).as(worker.body()).isEqualTo(200);
            TestServer.Reply tail = own.postJson(own.accountApi("/workers/scripts/after/tails"), "{}");
            assertThat(tail.status()).as(tail.body()).isEqualTo(200);
        }
    }
}
