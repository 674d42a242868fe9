package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSockets from real clients through the worker listener, to user workers directly and through a dispatcher. */
class WebSocketsTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static Vertx vertx;
    static HttpServer echoServer;

    /** An echo worker that also answers a few commands, for the tests below. */
    static final String ECHO = """
            let lastClose = 'none';
            export default { async fetch(request, env) {
              const url = new URL(request.url);
              if (url.pathname === '/last-close') return new Response(lastClose);
              if (url.pathname === '/bare-101') return new Response(null, { status: 101 });
              if (url.pathname === '/pair-flood') {
                // Both ends in this isolate, and one turn that sends without ever yielding to the
                // receiver: 64 messages of 1 MiB, or 300,000 empty ones.
                const empty = url.searchParams.has('empty');
                const count = empty ? 300000 : 64;
                const [a, b] = new WebSocketPair();
                a.accept();
                b.accept();
                let received = 0;
                const outcome = new Promise((resolve) => {
                  b.addEventListener('message', () => { if (++received === count) resolve('all delivered'); });
                  b.addEventListener('close', (event) => resolve('closed ' + event.code));
                });
                const chunk = empty ? '' : new Uint8Array(1024 * 1024);
                for (let i = 0; i < count; i++) a.send(chunk);
                return new Response(await outcome);
              }
              if (request.headers.get('upgrade') !== 'websocket') return new Response('Expected a WebSocket', { status: 426 });
              const [client, server] = Object.values(new WebSocketPair());
              server.accept();
              server.addEventListener('message', (event) => {
                if (event.data === 'throw') throw new Error('the handler failed');
                if (event.data === 'spin') for (;;) {}
                if (String(event.data).endsWith('burn')) {
                  // A few milliseconds of CPU: many times the 50 ms of /relay?limited together.
                  let x = 0;
                  for (let i = 0; i < 3000000; i++) x = (x + i) % 1000003;
                  return server.send('burned ' + x);
                }
                if (event.data === 'close-me') return server.close(4002, 'asked to');
                if (event.data === 'big') return server.send('x'.repeat(2 * 1024 * 1024));
                if (event.data === 'flood') {
                  const chunk = new Uint8Array(1024 * 1024);
                  for (let i = 0; i < 64; i++) server.send(chunk);
                  return;
                }
                if (event.data === 'bad-code') {
                  try { server.close(1006); } catch (e) { return server.send(e.name + ': ' + e.message); }
                }
                server.send(typeof event.data === 'string' ? 'echo: ' + event.data : event.data);
              });
              server.addEventListener('close', (event) => { lastClose = event.code + ' ' + event.reason; });
              return new Response(null, { status: 101, webSocket: client });
            } };""";

    static final String CHAT = """
            const room = new Set();
            export default { fetch(request) {
              const [client, server] = new WebSocketPair();
              server.accept();
              room.add(server);
              server.addEventListener('message', (event) => {
                for (const member of room) member.send(event.data);
              });
              server.addEventListener('close', () => room.delete(server));
              return new Response(null, { status: 101, webSocket: client });
            } };""";

    static final String DIALER = """
            export default { async fetch(request) {
              const target = new URL(request.url).searchParams.get('to');
              const how = new URL(request.url).searchParams.get('how');
              try {
                if (how === 'fetch-first') {
                  // Only the status and the first piece of a refusal's body.
                  const response = await fetch(target.replace('ws', 'http'), { headers: { Upgrade: 'websocket' } });
                  const reader = response.body.getReader();
                  const { value } = await reader.read();
                  await reader.cancel();
                  return new Response(response.status + ' ' + (response.webSocket === null) + ' '
                      + new TextDecoder().decode(value).slice(0, 5));
                }
                if (how === 'fetch') {
                  const response = await fetch(target.replace('ws', 'http'), { headers: { Upgrade: 'websocket' } });
                  const ws = response.webSocket;
                  if (ws === null) return new Response('no WebSocket: ' + response.status + ' ' + await response.text());
                  ws.accept();
                  const reply = new Promise((resolve) => ws.addEventListener('message', (e) => resolve(e.data)));
                  ws.send('via fetch');
                  const text = await reply;
                  ws.close(1000, 'done');
                  return new Response(response.status + ' ' + text);
                }
                const ws = new WebSocket(target);
                const reply = await new Promise((resolve, reject) => {
                  ws.addEventListener('open', () => ws.send('via constructor'));
                  ws.addEventListener('message', (e) => resolve(e.data));
                  ws.addEventListener('error', (e) => reject(e.error));
                });
                ws.close(1000);
                return new Response('open ' + reply);
              } catch (e) {
                return new Response(e.name + ': ' + e.message);
              }
            } };""";

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer(dir, List.of(Route.parse("*.ws.test/*=front")), Limits.defaults(),
                new EgressPolicy(List.of("localhost"), List.of()));
        t.createNamespace("tenants");
        String binding = "{\"type\":\"dispatch_namespace\",\"name\":\"DISPATCHER\",\"namespace\":\"tenants\"}";
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[" + binding + "]}", "f.js", """
                export default { async fetch(request, env) {
                  const url = new URL(request.url);
                  const name = url.hostname.split('.')[0];
                  const options = url.pathname === '/limited' ? { limits: { cpuMs: 50 } } : {};
                  if (url.pathname === '/rewrap') {
                    const r = await env.DISPATCHER.get(name).fetch(request);
                    return new Response(null, { status: 101, webSocket: r.webSocket });
                  }
                  if (url.pathname === '/abandon') {
                    // Asks for a WebSocket and ends before the answer comes.
                    env.DISPATCHER.get(name).fetch(new Request(request.url, { headers: { Upgrade: 'websocket' } }));
                    return new Response('left');
                  }
                  if (url.pathname === '/relay') {
                    const limits = url.searchParams.has('limited') ? { limits: { cpuMs: 50 } } : {};
                    const upstream = (await env.DISPATCHER.get(name, {}, limits).fetch(request)).webSocket;
                    upstream.accept();
                    const [client, server] = new WebSocketPair();
                    server.accept();
                    server.addEventListener('message', (e) => upstream.send('via dispatcher ' + e.data));
                    upstream.addEventListener('message', (e) => server.send(e.data));
                    return new Response(null, { status: 101, webSocket: client });
                  }
                  return env.DISPATCHER.get(name, {}, options).fetch(request);
                } };""").status()).isEqualTo(200);
        for (String[] worker : new String[][] {{"echo", ECHO}, {"chat", CHAT}}) {
            assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/" + worker[0]),
                    "{\"main_module\":\"w.js\"}", "w.js", worker[1]).status()).isEqualTo(200);
        }
        assertThat(t.putModule(t.accountApi("/workers/scripts/echo"), "{\"main_module\":\"w.js\"}", "w.js", ECHO).status())
                .isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/dialer"), "{\"main_module\":\"w.js\"}", "w.js", DIALER).status())
                .isEqualTo(200);
        vertx = Vertx.vertx();
        echoServer = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("origin got " + text)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        t.close();
    }

    private static WsClient connect(String host) {
        return WsClient.connect(vertx, t.server.port(), host, "/");
    }

    @Test
    void echo_through_a_plain_worker() {
        try (WsClient ws = connect("echo.localhost")) {
            ws.send("hello");
            assertThat(ws.next()).isEqualTo("echo: hello");
            ws.send(new byte[] {1, 2, 3, 0, (byte) 255});
            assertThat((byte[]) ws.next()).containsExactly(1, 2, 3, 0, 255);
        }
    }

    @Test
    void echo_through_the_dispatcher() {
        try (WsClient ws = connect("echo.ws.test")) {
            for (int i = 0; i < 50; i++) {
                ws.send("message " + i);
            }
            for (int i = 0; i < 50; i++) {
                assertThat(ws.next()).as("in order").isEqualTo("echo: message " + i);
            }
        }
    }

    @Test
    void a_dispatcher_may_rewrap_the_socket_or_terminate_and_relay_it() {
        try (WsClient ws = WsClient.connect(vertx, t.server.port(), "echo.ws.test", "/rewrap")) {
            ws.send("rewrapped");
            assertThat(ws.next()).isEqualTo("echo: rewrapped");
        }
        try (WsClient ws = WsClient.connect(vertx, t.server.port(), "echo.ws.test", "/relay")) {
            ws.send("relayed");
            assertThat(ws.next()).isEqualTo("echo: via dispatcher relayed");
        }
    }

    @Test
    void each_client_message_a_dispatcher_relays_starts_the_user_workers_event_on_a_fresh_budget() {
        // 50 ms for the user worker: twenty messages of a few milliseconds each take more than that
        // together, and each, relayed from the client, gets its own.
        try (WsClient ws = WsClient.connect(vertx, t.server.port(), "echo.ws.test", "/relay?limited")) {
            for (int i = 0; i < 20; i++) {
                ws.send("burn");
                assertThat(String.valueOf(ws.next())).as("message " + i).startsWith("burned ");
            }
        }
    }

    @Test
    void a_chat_room_broadcasts_within_one_isolate() {
        try (WsClient alice = connect("chat.ws.test"); WsClient bob = connect("chat.ws.test")) {
            alice.send("hi from alice");
            assertThat(alice.next()).isEqualTo("hi from alice");
            assertThat(bob.next()).isEqualTo("hi from alice");
            bob.send("hi from bob");
            assertThat(alice.next()).isEqualTo("hi from bob");
            assertThat(bob.next()).isEqualTo("hi from bob");
        }
    }

    @Test
    void close_codes_travel_both_ways_and_bad_ones_are_refused() {
        try (WsClient ws = connect("echo.ws.test")) {
            ws.send("bad-code");
            assertThat(ws.next()).isEqualTo("InvalidAccessError: Invalid WebSocket close code: 1006.");
            ws.send("close-me");
            assertThat(ws.awaitClose()).isEqualTo(new WsClient.Closed(4002, "asked to"));
        }
        WsClient ws = connect("echo.localhost");
        ws.socket.close((short) 4001, "client leaves");
        ws.awaitClose();
        ws.close();
        awaitBody("echo.localhost", "/last-close", "4001 client leaves");
    }

    @Test
    void an_oversized_message_closes_with_1009_and_others_are_still_served() {
        try (WsClient ws = WsClient.connect(vertx, t.server.port(), "echo.ws.test", "/", 4 * 1024 * 1024)) {
            ws.send(new byte[1024 * 1024 + 1]);
            assertThat(ws.awaitClose().code()).isEqualTo(1009);
        }
        try (WsClient ws = WsClient.connect(vertx, t.server.port(), "echo.ws.test", "/", 4 * 1024 * 1024)) {
            ws.send(new byte[1024 * 1024]);
            assertThat((byte[]) ws.next()).hasSize(1024 * 1024);
        }
        assertThat(t.worker("GET", "echo.localhost", "/last-close", null).status()).isEqualTo(200);
    }

    @Test
    void a_message_the_worker_sends_over_the_limit_closes_with_1009() {
        try (WsClient ws = WsClient.connect(vertx, t.server.port(), "echo.ws.test", "/", 4 * 1024 * 1024)) {
            ws.send("big");
            assertThat(ws.awaitClose().code()).isEqualTo(1009);
        }
    }

    @Test
    void a_client_that_does_not_read_is_closed_once_its_unsent_messages_pass_the_limit() throws Exception {
        RawWebSocket.Handshake h = RawWebSocket.connect("ws://127.0.0.1:" + t.server.port() + "/", "x", "echo.localhost");
        assertThat(h.status()).isEqualTo(101);
        try (RawWebSocket ws = h.socket()) {
            ws.sendMaskedText("flood"); // 64 MiB come back, and this client reads nothing meanwhile
            assertThat(Await.value(() -> t.worker("GET", "echo.localhost", "/last-close", null).body()
                    .startsWith("1008") ? true : null, "the server to give up on the client")).isTrue();
            int messages = 0;
            RawWebSocket.Frame frame;
            while ((frame = ws.read()).opcode() != RawWebSocket.CLOSE) {
                messages++;
            }
            assertThat(messages).as("messages the server held for the client").isLessThan(64);
        }
    }

    @Test
    void a_websocket_answered_after_its_invocation_ended_is_closed_not_kept() {
        assertThat(t.worker("GET", "echo.ws.test", "/abandon", null).body()).isEqualTo("left");
        assertThat(Await.value(() -> t.worker("GET", "echo.ws.test", "/last-close", null).body()
                .equals("1001 The invocation that opened this WebSocket has ended.") ? true : null,
                "the abandoned socket to be closed")).isTrue();
    }

    @Test
    void empty_messages_count_too_so_a_sender_of_nothing_but_empty_ones_is_closed_with_1011() {
        TestServer.Reply r = t.worker("GET", "echo.localhost", "/pair-flood?empty", null);
        assertThat(r.body()).isEqualTo("closed 1011");
    }

    @Test
    void a_sender_that_never_yields_to_its_receiver_in_the_same_isolate_is_closed_with_1011() {
        TestServer.Reply r = t.worker("GET", "echo.localhost", "/pair-flood", null);
        assertThat(r.body()).isEqualTo("closed 1011");
    }

    @Test
    void a_101_without_a_websocket_is_a_500_not_a_switch_to_nothing() throws Exception {
        try (RawHttp raw = RawHttp.connect(t.server.port())) {
            RawHttp.Response r = raw.get("echo.localhost", "/bare-101").response();
            assertThat(r.status()).isEqualTo(500);
            // the connection still serves requests, under its usual deadlines
            assertThat(raw.get("echo.localhost", "/last-close").response().status()).isEqualTo(200);
        }
    }

    @Test
    void a_handler_that_throws_leaves_the_socket_open() {
        try (WsClient ws = connect("echo.ws.test")) {
            ws.send("throw");
            ws.send("after");
            assertThat(ws.next()).isEqualTo("echo: after");
        }
    }

    @Test
    void a_message_handler_over_its_cpu_limit_closes_its_socket_with_1011_and_others_go_on() {
        try (WsClient spinning = WsClient.connect(vertx, t.server.port(), "echo.ws.test", "/limited");
                WsClient other = connect("echo.ws.test")) {
            spinning.send("spin");
            assertThat(spinning.awaitClose().code()).isEqualTo(1011);
            other.send("still here");
            assertThat(other.next()).isEqualTo("echo: still here");
        }
        try (WsClient again = connect("echo.ws.test")) {
            again.send("again");
            assertThat(again.next()).isEqualTo("echo: again");
        }
    }

    @Test
    void a_plain_request_to_a_websocket_worker_gets_its_answer() {
        TestServer.Reply reply = t.worker("GET", "echo.ws.test", "/", null);
        assertThat(reply.status()).isEqualTo(426);
        assertThat(reply.body()).isEqualTo("Expected a WebSocket");
    }

    @Test
    void a_worker_connects_out_through_fetch_and_the_constructor() {
        int port = echoServer.actualPort();
        assertThat(dial("fetch", "ws://localhost:" + port + "/")).isEqualTo("101 origin got via fetch");
        assertThat(dial("ctor", "ws://localhost:" + port + "/")).isEqualTo("open origin got via constructor");
    }

    @Test
    void an_upgrade_the_server_refuses_gives_its_plain_response() {
        assertThat(dial("fetch", "ws://localhost:" + t.server.port() + "/"))
                .isEqualTo("no WebSocket: 404 No worker is routed for host 'localhost'. Add a route (--route 'PATTERN=SCRIPT') "
                        + "or use <script>.localhost for a plain worker.\n");
    }

    @Test
    void a_refusal_whose_body_never_ends_streams_to_the_worker() throws Exception {
        // The origin refuses the handshake and sends body for as long as it is read: the worker
        // gets the refusal at once, reads a piece, and lets the rest go.
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CompletableFuture<Void> connectionEnded = new java.util.concurrent.CompletableFuture<>();
        HttpServer endless = vertx.createHttpServer().requestHandler(request -> {
            request.response().setStatusCode(400).setChunked(true);
            request.connection().closeHandler(v -> connectionEnded.complete(null));
            io.vertx.core.buffer.Buffer chunk = io.vertx.core.buffer.Buffer.buffer("go away ".repeat(8192));
            Runnable[] more = new Runnable[1];
            more[0] = () -> {
                while (!request.response().writeQueueFull() && !request.response().closed()) {
                    request.response().write(chunk);
                    sent.addAndGet(chunk.length());
                }
                request.response().drainHandler(v -> more[0].run());
            };
            more[0].run();
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            assertThat(dial("fetch-first", "ws://localhost:" + endless.actualPort() + "/")).isEqualTo("400 true go aw");
            connectionEnded.get(60, TimeUnit.SECONDS);
            // What the origin got to send is what the sockets' buffers and the body's read-ahead take, not the stream.
            assertThat(sent.get()).isLessThan(64L * 1024 * 1024);
        } finally {
            endless.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void an_outbound_websocket_to_a_blocked_address_is_refused() {
        int port = echoServer.actualPort();
        assertThat(dial("fetch", "ws://127.0.0.1:" + port + "/")).startsWith("TypeError: ")
                .contains("blocked by the egress policy");
        assertThat(dial("ctor", "ws://127.0.0.1:" + port + "/")).startsWith("TypeError: ")
                .contains("blocked by the egress policy");
    }

    private static String dial(String how, String target) {
        return t.worker("GET", "dialer.localhost", "/?how=" + how + "&to="
                + java.net.URLEncoder.encode(target, StandardCharsets.UTF_8), null).body();
    }

    private static void awaitBody(String host, String path, String expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = t.worker("GET", host, path, null).body();
            if (last.equals(expected)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(last).isEqualTo(expected);
    }
}
