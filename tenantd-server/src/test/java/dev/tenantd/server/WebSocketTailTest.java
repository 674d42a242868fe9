package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tail of a worker that accepted a WebSocket sees each message and the close as an event of its own. */
class WebSocketTailTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
        vertx = Vertx.vertx();
        assertThat(t.putModule(t.accountApi("/workers/scripts/talker"), "{\"main_module\":\"w.js\"}", "w.js", """
                export default { fetch(request) {
                  const [client, server] = new WebSocketPair();
                  server.accept();
                  server.addEventListener('message', (event) => { console.log('got', event.data); server.send('ok'); });
                  server.addEventListener('close', (event) => console.log('closed', event.code));
                  return new Response(null, { status: 101, webSocket: client });
                } };""").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        t.close();
    }

    @Test
    void tail_shows_the_upgrade_each_message_and_the_close() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocketClient tailClient = tail("talker", events);

        try (WsClient ws = WsClient.connect(vertx, t.server.port(), "talker.localhost", "/")) {
            ws.send("hi");
            assertThat(ws.next()).isEqualTo("ok");
            JsonNode upgrade = next(events);
            assertThat(upgrade.path("event").path("request").path("headers").path("upgrade").asText()).isEqualTo("websocket");
            assertThat(upgrade.path("event").path("response").path("status").asInt()).isEqualTo(101);
            JsonNode message = next(events);
            assertThat(message.path("outcome").asText()).isEqualTo("ok");
            assertThat(message.path("event").path("getWebSocketEvent").path("webSocketEventType").asText()).isEqualTo("message");
            assertThat(message.path("logs").path(0).path("message").toString()).isEqualTo("[\"got\",\"hi\"]");
            ws.socket.close((short) 4000, "bye");
            ws.awaitClose();
        }
        JsonNode close = next(events);
        assertThat(close.path("event").path("getWebSocketEvent").path("webSocketEventType").asText()).isEqualTo("close");
        assertThat(close.path("logs").path(0).path("message").toString()).isEqualTo("[\"closed\",4000]");
        tailClient.close();
    }

    /**
     * A tail names its script by name: a script deleted and made again under that name is
     * another, and a tail of the new one sees nothing of the old one's isolates still finishing
     * their work (an open WebSocket keeps one until its grace period is over).
     */
    @Test
    void a_tail_of_a_script_made_again_under_a_deleted_one_s_name_sees_nothing_of_the_old_one() throws Exception {
        String code = """
                export default { fetch(request) {
                  const [client, server] = new WebSocketPair();
                  server.accept();
                  server.addEventListener('message', (event) => { console.log('got', event.data); server.send('ok'); });
                  return new Response(null, { status: 101, webSocket: client });
                } };""";
        assertThat(t.putModule(t.accountApi("/workers/scripts/reused"), "{\"main_module\":\"w.js\"}", "w.js", code).status())
                .isEqualTo(200);
        try (WsClient first = WsClient.connect(vertx, t.server.port(), "reused.localhost", "/")) {
            first.send("before");
            assertThat(first.next()).isEqualTo("ok");
            assertThat(t.delete(t.accountApi("/workers/scripts/reused")).status()).isEqualTo(200);
            assertThat(t.putModule(t.accountApi("/workers/scripts/reused"), "{\"main_module\":\"w.js\"}", "w.js", code)
                    .status()).isEqualTo(200);
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            WebSocketClient tailClient = tail("reused", events);
            first.send("the first owner's");
            assertThat(first.next()).as("the old isolate still serves its socket").isEqualTo("ok");
            try (WsClient second = WsClient.connect(vertx, t.server.port(), "reused.localhost", "/")) {
                second.send("the second owner's");
                assertThat(second.next()).isEqualTo("ok");
                List<String> seen = new java.util.ArrayList<>();
                while (seen.stream().noneMatch(e -> e.contains("the second owner's"))) {
                    seen.add(next(events).toString());
                }
                assertThat(seen).noneMatch(e -> e.contains("the first owner's"));
            } finally {
                tailClient.close();
            }
        }
    }

    /** Starts a tail of {@code script} as wrangler does; its events arrive in {@code events}. Close the client returned. */
    private static WebSocketClient tail(String script, BlockingQueue<String> events) throws Exception {
        TestServer.Reply created = t.postJson(t.accountApi("/workers/scripts/" + script + "/tails"), "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        WebSocketClient tailClient = vertx.createWebSocketClient();
        WebSocket tail = tailClient.connect(new WebSocketConnectOptions()
                        .setAbsoluteURI(created.json().path("result").path("url").asText()).addSubProtocol("trace-v1"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        tail.textMessageHandler(events::add);
        tail.writeTextMessage("{\"debug\":false}").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return tailClient;
    }

    private static JsonNode next(BlockingQueue<String> events) throws Exception {
        String event = events.poll(30, TimeUnit.SECONDS);
        assertThat(event).as("a tail event").isNotNull();
        return TestServer.JSON.readTree(event);
    }
}
