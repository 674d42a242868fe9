package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's outbound WebSocket goes to the address the egress policy checked, not to one a
 * second lookup of the name gives. The server runs in a process of its own whose JDK resolver
 * reads a hosts file naming {@code rebind.test}; nothing else knows the name, so a client that
 * looked the name up again, its own way, would not find it.
 */
class OutboundWebSocketAddressTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void a_websocket_connects_to_the_checked_address_and_sends_the_name_as_its_host() throws Exception {
        Vertx vertx = Vertx.vertx();
        CompletableFuture<String> hostHeader = new CompletableFuture<>();
        HttpServer origin = vertx.createHttpServer().webSocketHandler(ws -> {
            hostHeader.complete(ws.headers().get("host"));
            ws.textMessageHandler(text -> ws.writeTextMessage("origin got " + text));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Process server = null;
        try {
            Path hosts = dir.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 rebind.test\n");
            Path config = dir.resolve("tenantd.toml");
            Files.writeString(config, "[egress]\nallow = [\"rebind.test\"]\n");
            int workerPort = freePort();
            int apiPort = freePort();
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                    "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "serve", "--config", config.toString(), "--data-dir", dir.resolve("data").toString(),
                    "--listen", "127.0.0.1:" + workerPort, "--api-listen", "127.0.0.1:" + apiPort,
                    "--account-id", "acct", "--api-token", "tok", "--warm-up-ms", "0").redirectErrorStream(true);
            builder.environment().remove("TENANTD_API_TOKEN");
            server = builder.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (line.contains("tenantd serving workers")) {
                    break;
                }
            }
            Process running = server;
            Thread.ofVirtual().start(() -> {
                try {
                    running.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException ended) {
                    // the server is gone
                }
            });

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
            TestServer.Multipart upload = new TestServer.Multipart().json("metadata", "{\"main_module\":\"w.js\"}")
                    .file("w.js", "w.js", "application/javascript+module", """
                            export default { async fetch(request) {
                              const target = new URL(request.url).searchParams.get('to');
                              try {
                                const response = await fetch(target, { headers: { Upgrade: 'websocket' } });
                                const ws = response.webSocket;
                                if (ws === null) return new Response('no WebSocket: ' + response.status);
                                ws.accept();
                                const reply = new Promise((resolve) => ws.addEventListener('message', (e) => resolve(e.data)));
                                ws.send('hello');
                                const text = await reply;
                                ws.close(1000, 'done');
                                return new Response(text);
                              } catch (e) {
                                return new Response(e.name + ': ' + e.message);
                              }
                            } };""");
            HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                            + "/client/v4/accounts/acct/workers/scripts/dialer"))
                    .header("authorization", "Bearer tok").header("content-type", upload.contentType())
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(upload.bytes())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);

            String target = "http://rebind.test:" + origin.actualPort() + "/";
            try (RawHttp raw = RawHttp.connect(workerPort)) {
                assertThat(raw.get("dialer.localhost", "/?to=" + target).response().body()).isEqualTo("origin got hello");
            }
            assertThat(hostHeader.get(30, TimeUnit.SECONDS)).isEqualTo("rebind.test:" + origin.actualPort());
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
