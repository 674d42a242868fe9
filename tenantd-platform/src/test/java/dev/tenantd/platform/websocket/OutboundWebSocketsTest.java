package dev.tenantd.platform.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import dev.tenantd.runtime.websocket.WebSocketEnd;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import dev.tenantd.runtime.websocket.WebSocketReceiver;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker's outbound WebSockets to real servers on loopback: Vert.x's, and raw sockets that misbehave. */
class OutboundWebSocketsTest {
    private static final BodyBudget BODIES = new BodyBudget(1L << 30);
    private final Vertx vertx = Vertx.vertx();
    private final List<Socket> accepted = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Socket s : accepted) {
            s.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void workers_may_hold_more_than_fifty_sockets_to_one_endpoint() throws Exception {
        HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> { })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        int port = server.actualPort();
        try (OutboundWebSockets sockets = new OutboundWebSockets(vertx, BODIES, 20_000)) {
            List<CompletableFuture<WorkerResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                answers.add(connect(sockets, port, "/", List.of()));
            }
            for (CompletableFuture<WorkerResponse> answer : answers) {
                assertThat(answer.get(60, TimeUnit.SECONDS).status()).isEqualTo(101);
            }
        }
    }

    @Test
    void a_server_that_never_answers_the_handshake_fails_the_connection_and_is_let_go() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                OutboundWebSockets sockets = new OutboundWebSockets(vertx, BODIES, 500)) {
            CompletableFuture<Integer> closedByClient = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    Socket s = silent.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // the handshake request, read and never answered
                    }
                    closedByClient.complete(1);
                } catch (Exception e) {
                    closedByClient.completeExceptionally(e);
                }
            });
            WorkerRequest request = new WorkerRequest("GET", "ws://127.0.0.1:" + silent.getLocalPort() + "/",
                    List.of("upgrade", "websocket"), null);
            CompletableFuture<WorkerResponse> answer = sockets.connect(request, "127.0.0.1", silent.getLocalPort(), false,
                    InetAddress.getLoopbackAddress(), "127.0.0.1:" + silent.getLocalPort(), "/", started -> { },
                    OutboundWebSocketsTest::refused).toCompletionStage().toCompletableFuture();
            assertThatThrownBy(() -> answer.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(InvocationException.class)
                    .hasMessageContaining("The WebSocket connection to 127.0.0.1:" + silent.getLocalPort() + " failed")
                    .hasMessageContaining("500 ms");
            assertThat(closedByClient.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void fragments_are_joined_pings_answered_and_the_servers_close_code_reaches_the_worker() throws Exception {
        CompletableFuture<String> pong = new CompletableFuture<>();
        HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
            ws.pongHandler(payload -> pong.complete(payload.toString()));
            ws.writePing(Buffer.buffer("are you there"));
            ws.writeFrame(WebSocketFrame.textFrame("hel", false));
            ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("lo, "), false));
            ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("wörld"), true));
            ws.binaryMessageHandler(bytes -> ws.writeTextMessage("binary of " + bytes.length()));
            ws.textMessageHandler(text -> {
                if (text.equals("close, please")) {
                    ws.close((short) 4001, "asked to");
                } else {
                    ws.writeTextMessage("got " + text);
                }
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try (OutboundWebSockets sockets = new OutboundWebSockets(vertx, BODIES, 20_000)) {
            WorkerResponse response = connect(sockets, server.actualPort(), "/", List.of()).get(60, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(101);
            Received received = Received.attach(response.webSocket().orElseThrow());
            assertThat(received.next()).isEqualTo("hello, wörld");
            assertThat(pong.get(60, TimeUnit.SECONDS)).isEqualTo("are you there");
            response.webSocket().get().send(new WebSocketMessage.Text("hi"));
            assertThat(received.next()).isEqualTo("got hi");
            response.webSocket().get().send(new WebSocketMessage.Binary(new byte[70_000]));
            assertThat(received.next()).isEqualTo("binary of 70000");
            response.webSocket().get().send(new WebSocketMessage.Text("close, please"));
            assertThat(received.next()).isEqualTo("closed 4001 asked to");
        }
    }

    @Test
    void a_message_longer_than_the_limit_closes_the_socket_with_1009_as_soon_as_its_length_shows() throws Exception {
        // A frame header that announces 1.5 MiB, and no payload: nothing waits for the payload to arrive.
        CompletableFuture<Buffer> fromClient = new CompletableFuture<>();
        CompletableFuture<Void> clientHungUp = new CompletableFuture<>();
        int port = rawServer((socket, key) -> {
            socket.write(switched(OutboundWebSockets.acceptFor(key)) + "");
            int length = 1536 * 1024;
            socket.write(Buffer.buffer(new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, (byte) (length >> 16),
                    (byte) (length >> 8), (byte) length}));
            socket.handler(fromClient::complete);
            socket.closeHandler(v -> clientHungUp.complete(null));
        });
        try (OutboundWebSockets sockets = new OutboundWebSockets(vertx, BODIES, 20_000)) {
            WorkerResponse response = connect(sockets, port, "/", List.of()).get(60, TimeUnit.SECONDS);
            Received received = Received.attach(response.webSocket().orElseThrow());
            assertThat(received.next()).isEqualTo("closed 1009 Message too big: the limit is 1048576 bytes.");
            Buffer close = fromClient.get(60, TimeUnit.SECONDS);
            assertThat((int) close.getUnsignedByte(0)).isEqualTo(0x88);
            int code = ((close.getUnsignedByte(6) ^ close.getUnsignedByte(2)) << 8) | (close.getUnsignedByte(7) ^ close.getUnsignedByte(3));
            assertThat(code).isEqualTo(1009);
            // Having failed the connection, the client ends it (this server never would).
            clientHungUp.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_worker_may_send_far_more_than_the_unsent_limit_over_one_socket() throws Exception {
        HttpServer server = vertx.createHttpServer().webSocketHandler(ws ->
                ws.binaryMessageHandler(bytes -> ws.writeTextMessage("binary of " + bytes.length())))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try (OutboundWebSockets sockets = new OutboundWebSockets(vertx, BODIES, 20_000)) {
            WorkerResponse response = connect(sockets, server.actualPort(), "/", List.of()).get(60, TimeUnit.SECONDS);
            Received received = Received.attach(response.webSocket().orElseThrow());
            // 120 messages of 200 KB: 24 MB, more than the 16 MiB that may wait unsent, one at a time.
            for (int i = 0; i < 120; i++) {
                response.webSocket().get().send(new WebSocketMessage.Binary(new byte[200_000]));
                assertThat(received.next()).as("reply " + i).isEqualTo("binary of 200000");
            }
        }
    }

    @Test
    void the_connection_of_a_refused_handshake_is_closed_once_its_answer_is_read() throws Exception {
        CompletableFuture<Void> clientHungUp = new CompletableFuture<>();
        int port = rawServer((socket, key) -> {
            socket.closeHandler(v -> clientHungUp.complete(null));
            socket.write("HTTP/1.1 403 Forbidden\r\ncontent-length: 4\r\n\r\nnope");
        });
        try (OutboundWebSockets sockets = new OutboundWebSockets(vertx, BODIES, 20_000)) {
            WorkerResponse refused = connect(sockets, port, "/", List.of()).get(60, TimeUnit.SECONDS);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("nope");
            clientHungUp.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_refusal_is_given_to_the_worker_before_its_body_ends() throws Exception {
        // The server refuses with a body it never finishes: the answer is the worker's at once, to read as it streams.
        int port = rawServer((socket, key) -> socket.write("HTTP/1.1 403 Forbidden\r\ntransfer-encoding: chunked\r\n\r\n"
                + "9\r\nnot here!\r\n"));
        try (OutboundWebSockets sockets = new OutboundWebSockets(vertx, BODIES, 20_000)) {
            CompletableFuture<WorkerResponse> answer = sockets.connect(request(port, "/", List.of()), "127.0.0.1", port, false,
                    InetAddress.getLoopbackAddress(), "127.0.0.1:" + port, "/", started -> { }, response -> {
                        Promise<WorkerResponse> first = Promise.promise();
                        response.handler(chunk -> first.tryComplete(new WorkerResponse(response.statusCode(), "", List.of(),
                                chunk.getBytes())));
                        return first.future();
                    }).toCompletionStage().toCompletableFuture();
            WorkerResponse refused = answer.get(60, TimeUnit.SECONDS);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("not here!");
        }
    }

    @Test
    void a_switch_with_a_wrong_accept_key_or_an_unoffered_subprotocol_is_refused() throws Exception {
        int wrongKey = rawServer((socket, key) -> socket.write(switched(OutboundWebSockets.acceptFor(key + "x")) + ""));
        int wrongProtocol = rawServer((socket, key) -> socket.write(switched(OutboundWebSockets.acceptFor(key))
                .replace("\r\n\r\n", "\r\nsec-websocket-protocol: chat.v9\r\n\r\n")));
        try (OutboundWebSockets sockets = new OutboundWebSockets(vertx, BODIES, 20_000)) {
            assertThatThrownBy(() -> connect(sockets, wrongKey, "/", List.of()).get(60, TimeUnit.SECONDS))
                    .cause().isInstanceOf(InvocationException.class)
                    .hasMessageContaining("the server's handshake has a wrong Sec-WebSocket-Accept");
            assertThatThrownBy(() -> connect(sockets, wrongProtocol, "/", List.of("sec-websocket-protocol", "chat.v1"))
                    .get(60, TimeUnit.SECONDS))
                    .cause().isInstanceOf(InvocationException.class)
                    .hasMessageContaining("chose the subprotocol 'chat.v9', which was not offered");
        }
    }

    @Test
    void the_accept_key_is_the_one_rfc_6455_gives_for_its_example() {
        assertThat(OutboundWebSockets.acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(OutboundWebSockets.handshakeProblem("websocket", "keep-alive, Upgrade",
                OutboundWebSockets.acceptFor("k"), null, "b", "k", List.of("a", "b"))).isEmpty();
        assertThat(OutboundWebSockets.handshakeProblem("h2c", "upgrade", OutboundWebSockets.acceptFor("k"), null, null, "k",
                List.of())).contains("has no 'Upgrade: websocket'");
        assertThat(OutboundWebSockets.handshakeProblem("websocket", "close", OutboundWebSockets.acceptFor("k"), null, null,
                "k", List.of())).contains("has no 'Connection: Upgrade'");
        assertThat(OutboundWebSockets.handshakeProblem("websocket", "upgrade", OutboundWebSockets.acceptFor("k"),
                "permessage-deflate", null, "k", List.of())).contains("names an extension, and none was offered");
    }

    /** A 101 with the given accept key. */
    private static String switched(String accept) {
        return "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"
                + "sec-websocket-accept: " + accept + "\r\n\r\n";
    }

    /** A server that reads a handshake request and hands the socket and the request's key to {@code answer}. */
    private int rawServer(BiConsumer<NetSocket, String> answer) throws Exception {
        NetServer server = vertx.createNetServer().connectHandler(socket -> {
            Buffer head = Buffer.buffer();
            socket.handler(new Handler<>() {
                @Override
                public void handle(Buffer bytes) {
                    head.appendBuffer(bytes);
                    String text = head.toString();
                    if (!text.contains("\r\n\r\n")) {
                        return;
                    }
                    socket.handler(null);
                    String key = text.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:"))
                            .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
                    answer.accept(socket, key);
                }
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return server.actualPort();
    }

    private static WorkerRequest request(int port, String path, List<String> headers) {
        List<String> all = new ArrayList<>(List.of("upgrade", "websocket"));
        all.addAll(headers);
        return new WorkerRequest("GET", "ws://127.0.0.1:" + port + path, all, null);
    }

    private static CompletableFuture<WorkerResponse> connect(OutboundWebSockets sockets, int port, String path,
            List<String> headers) {
        return sockets.connect(request(port, path, headers), "127.0.0.1", port, false, InetAddress.getLoopbackAddress(),
                "127.0.0.1:" + port, path, started -> { }, OutboundWebSocketsTest::refused).toCompletionStage()
                .toCompletableFuture();
    }

    private static Future<WorkerResponse> refused(HttpClientResponse response) {
        return response.body().map(body -> new WorkerResponse(response.statusCode(), "", List.of(), body.getBytes()));
    }

    /** What reaches a worker's end of a socket: each message ("binary bytes N" for binary ones), then "closed CODE REASON". */
    private record Received(LinkedBlockingQueue<String> events) implements WebSocketReceiver {
        static Received attach(WebSocketEnd end) {
            Received received = new Received(new LinkedBlockingQueue<>());
            end.attach(received);
            return received;
        }

        @Override
        public void message(WebSocketMessage message) {
            events.add(switch (message) {
                case WebSocketMessage.Text t -> t.text();
                case WebSocketMessage.Binary b -> "binary bytes " + b.bytes().length;
            });
        }

        @Override
        public void closed(int code, String reason) {
            events.add("closed " + code + " " + reason);
        }

        String next() throws InterruptedException {
            String event = events.poll(60, TimeUnit.SECONDS);
            assertThat(event).as("an event within 60 s").isNotNull();
            return event;
        }
    }
}
