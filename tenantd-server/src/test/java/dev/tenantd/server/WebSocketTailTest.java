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
        TestServer.Reply created = t.postJson(t.accountApi("/workers/scripts/talker/tails"), "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocketClient tailClient = vertx.createWebSocketClient();
        WebSocket tail = tailClient.connect(new WebSocketConnectOptions()
                        .setAbsoluteURI(created.json().path("result").path("url").asText()).addSubProtocol("trace-v1"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        tail.textMessageHandler(events::add);
        tail.writeTextMessage("{\"debug\":false}").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

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

    private static JsonNode next(BlockingQueue<String> events) throws Exception {
        String event = events.poll(30, TimeUnit.SECONDS);
        assertThat(event).as("a tail event").isNotNull();
        return TestServer.JSON.readTree(event);
    }
}
