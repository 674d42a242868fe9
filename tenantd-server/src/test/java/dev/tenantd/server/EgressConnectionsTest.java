package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fetch() connections to one origin, over real sockets: responses that take long (a slow
 * download, an event stream) do not make other requests to the same origin wait for them.
 */
class EgressConnectionsTest {
    @TempDir
    Path dir;

    @Test
    void slow_responses_from_an_origin_do_not_hold_up_other_requests_to_it() throws Exception {
        CountDownLatch quickArrived = new CountDownLatch(1);
        CountDownLatch holdsArrived = new CountDownLatch(8);
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setExecutor(Executors.newCachedThreadPool());
        // Each held response waits until the quick request has come, or 30 s: so the quick one
        // arrives either while they are all open, or (if it waited for a connection) only after.
        origin.createContext("/hold", exchange -> {
            holdsArrived.countDown();
            String body = Await.released(quickArrived) ? "released" : "timed out";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        origin.createContext("/quick", exchange -> {
            quickArrived.countDown();
            byte[] bytes = "quick".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        origin.start();
        try (TestServer t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()))) {
            String from = "http://localhost:" + origin.getAddress().getPort();
            assertThat(t.putModule(t.accountApi("/workers/scripts/holder"), "{\"main_module\":\"h.js\"}", "h.js", """
                    export default { async fetch(request) {
                      const from = new URL(request.url).searchParams.get('from');
                      const held = [];
                      for (let i = 0; i < 8; i++) held.push(fetch(from + '/hold?' + i).then((r) => r.text()));
                      return new Response((await Promise.all(held)).join(','));
                    } };""").status()).isEqualTo(200);
            assertThat(t.putModule(t.accountApi("/workers/scripts/other"), "{\"main_module\":\"o.js\"}", "o.js", """
                    export default { async fetch(request) {
                      const from = new URL(request.url).searchParams.get('from');
                      return fetch(from + '/quick');
                    } };""").status()).isEqualTo(200);
            Thread holder = Thread.ofVirtual().start(() -> t.worker("GET", "holder.localhost", "/?from=" + from, null));
            // another tenant's request to the same origin, once all eight are open there
            assertThat(Await.released(holdsArrived)).as("all eight held requests reached the origin").isTrue();
            assertThat(t.worker("GET", "other.localhost", "/?from=" + from, null).body()).isEqualTo("quick");
            holder.join();
        } finally {
            origin.stop(0);
        }
    }

    @Test
    void a_fetch_whose_invocation_ended_lets_go_of_its_connection() throws Exception {
        // an origin that answers one header byte a second and never ends its head: the
        // connection's idle timeout never comes
        java.util.concurrent.CompletableFuture<Boolean> letGo = new java.util.concurrent.CompletableFuture<>();
        try (java.net.ServerSocket trickling = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = trickling.accept()) {
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nx-slow: ".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 120; i++) {
                        s.getOutputStream().write('a');
                        s.getOutputStream().flush();
                        Thread.sleep(500);
                    }
                    letGo.complete(false);
                } catch (java.io.IOException e) {
                    letGo.complete(true); // the server closed the connection
                } catch (InterruptedException e) {
                    letGo.complete(false);
                }
            });
            Limits d = Limits.defaults();
            Limits shortWall = new Limits(d.cpuMs(), d.memoryMb(), d.subrequests(), d.scriptSizeBytes(), d.startupMs(),
                    d.logBytes(), 2_000, d.liveIsolates(), d.concurrentInvocations());
            try (TestServer t = new TestServer(dir, List.of(), shortWall, new EgressPolicy(List.of("localhost"), List.of()))) {
                assertThat(t.putModule(t.accountApi("/workers/scripts/waiter"), "{\"main_module\":\"w.js\"}", "w.js", """
                        export default { fetch(request, env, ctx) {
                          ctx.waitUntil(fetch('http://localhost:%d/').catch(() => {}));
                          return new Response('answered');
                        } };""".formatted(trickling.getLocalPort())).status()).isEqualTo(200);
                assertThat(t.worker("GET", "waiter.localhost", "/", null).body()).isEqualTo("answered");
                // the invocation ends at its wall-time limit, 2 s; the origin sees its connection closed
                assertThat(letGo.get(120, java.util.concurrent.TimeUnit.SECONDS)).as("the server closed the connection").isTrue();
            }
        }
    }

    @Test
    void a_redirect_is_followed_without_reading_its_body_first() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setExecutor(Executors.newCachedThreadPool());
        // a redirect whose body never ends
        origin.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("location", "/final");
            exchange.sendResponseHeaders(302, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[1024]);
                out.flush();
                done.await(); // until the test ends
            } catch (java.io.IOException e) {
                // the server let go of it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        origin.createContext("/final", exchange -> {
            byte[] bytes = "final".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        origin.start();
        try (TestServer t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()))) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/follower"), "{\"main_module\":\"f.js\"}", "f.js", """
                    export default { async fetch() {
                      const r = await fetch('http://localhost:%d/moved');
                      return new Response(r.status + ' ' + (await r.text()) + ' ' + r.redirected);
                    } };""".formatted(origin.getAddress().getPort())).status()).isEqualTo(200);
            assertThat(t.worker("GET", "follower.localhost", "/", null).body()).isEqualTo("200 final true");
        } finally {
            done.countDown();
            origin.stop(0);
        }
    }

    @Test
    void a_websocket_opened_by_a_fetch_nobody_waits_for_is_closed() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        CountDownLatch handshakeArrived = new CountDownLatch(1);
        java.util.concurrent.CompletableFuture<String> ending = new java.util.concurrent.CompletableFuture<>();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                java.net.ServerSocket gate = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = server.accept()) {
                    s.setSoTimeout(30_000);
                    java.io.BufferedReader in = new java.io.BufferedReader(
                            new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    String key = null;
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
                            key = line.substring(line.indexOf(':') + 1).strip();
                        }
                    }
                    handshakeArrived.countDown();
                    // the handshake is answered only after the worker's response went out
                    Await.released(answered);
                    String accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                            .getInstance("SHA-1").digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                    .getBytes(StandardCharsets.ISO_8859_1)));
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    int first = s.getInputStream().read();
                    ending.complete(first == -1 ? "closed" : (first & 0x0f) == 8 ? "close frame" : "frame " + first);
                } catch (java.net.SocketTimeoutException e) {
                    ending.complete("still open");
                } catch (java.net.SocketException e) {
                    // a cancelled fetch whose answer had not come resets its connection
                    ending.complete(String.valueOf(e.getMessage()).startsWith("Connection reset") ? "reset" : "closed: " + e);
                } catch (Exception e) {
                    ending.complete("closed: " + e);
                }
            });
            // answers once the handshake has reached the origin: the worker waits for it, so its
            // invocation ends while the WebSocket's fetch is in flight, not before it went out
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = gate.accept()) {
                    java.io.BufferedReader in = new java.io.BufferedReader(
                            new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // the request's head
                    }
                    Await.released(handshakeArrived);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (Exception ignored) {
                    // the test fails on the worker's answer
                }
            });
            try (TestServer t = new TestServer(dir, List.of(), Limits.defaults(), new EgressPolicy(List.of("localhost"), List.of()))) {
                assertThat(t.putModule(t.accountApi("/workers/scripts/opener"), "{\"main_module\":\"o.js\"}", "o.js", """
                        export default { async fetch() {
                          fetch('http://localhost:%d/', { headers: { Upgrade: 'websocket' } }).catch(() => {});
                          await (await fetch('http://localhost:%d/gate')).text();
                          return new Response('left it');
                        } };""".formatted(server.getLocalPort(), gate.getLocalPort())).status()).isEqualTo(200);
                assertThat(t.worker("GET", "opener.localhost", "/", null).body()).isEqualTo("left it");
                answered.countDown();
                assertThat(ending.get(60, java.util.concurrent.TimeUnit.SECONDS)).isIn("close frame", "closed", "reset")
                        .as("the server let go of the socket");
            }
        }
    }
}
