package dev.tenantd.platform.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker's outbound WebSocket to a real socket on loopback that takes the connection and never answers. */
class OutboundWebSocketsTest {
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
        try (OutboundWebSockets sockets = new OutboundWebSockets(vertx, 20_000)) {
            List<CompletableFuture<WorkerResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                answers.add(sockets.connect(new WorkerRequest("GET", "ws://127.0.0.1:" + port + "/", List.of("upgrade", "websocket"),
                        null), "127.0.0.1", port, false, InetAddress.getLoopbackAddress(), "127.0.0.1:" + port, "/")
                        .toCompletionStage().toCompletableFuture());
            }
            for (CompletableFuture<WorkerResponse> answer : answers) {
                assertThat(answer.get(60, TimeUnit.SECONDS).status()).isEqualTo(101);
            }
        }
    }

    @Test
    void a_server_that_never_answers_the_handshake_fails_the_connection_and_is_let_go() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                OutboundWebSockets sockets = new OutboundWebSockets(vertx, 500)) {
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
                    InetAddress.getLoopbackAddress(), "127.0.0.1:" + silent.getLocalPort(), "/")
                    .toCompletionStage().toCompletableFuture();
            assertThatThrownBy(() -> answer.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(InvocationException.class)
                    .hasMessageContaining("The WebSocket connection to 127.0.0.1:" + silent.getLocalPort() + " failed")
                    .hasMessageContaining("500 ms");
            assertThat(closedByClient.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }
}
