package dev.tenantd.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real Vert.x WebSocket client for tests: what arrives is queued, the close is a future. */
final class WsClient implements AutoCloseable {
    record Closed(int code, String reason) {
    }

    private final WebSocketClient client;
    final WebSocket socket;
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();

    private WsClient(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(received::add);
        socket.binaryMessageHandler(b -> received.add(b.getBytes()));
        socket.closeHandler(v -> closed.complete(new Closed(
                socket.closeStatusCode() == null ? 1006 : socket.closeStatusCode(),
                socket.closeReason() == null ? "" : socket.closeReason())));
    }

    /** Connects to the worker listener at {@code port} for {@code host}, with frames up to {@code maxFrame} bytes. */
    static WsClient connect(Vertx vertx, int port, String host, String path, int maxFrame) {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(maxFrame).setMaxMessageSize(maxFrame));
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path)
                .addHeader("host", host);
        try {
            WebSocket socket = client.connect(options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new WsClient(client, socket);
        } catch (Exception e) {
            client.close();
            throw new AssertionError("WebSocket connection to " + host + path + " failed", e);
        }
    }

    static WsClient connect(Vertx vertx, int port, String host, String path) {
        return connect(vertx, port, host, path, 64 * 1024);
    }

    void send(String text) {
        socket.writeTextMessage(text);
    }

    void send(byte[] bytes) {
        socket.writeBinaryMessage(Buffer.buffer(bytes));
    }

    /** The next message that arrived (String or byte[]), waiting for it. */
    Object next() {
        try {
            Object message = received.poll(30, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message arrived");
            }
            return message;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    Closed awaitClose() {
        try {
            return closed.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the WebSocket was not closed", e);
        }
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
        client.close();
    }
}
