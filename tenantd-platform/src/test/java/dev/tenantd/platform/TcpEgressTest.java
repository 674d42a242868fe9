package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.runtime.HostSocket;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.SocketRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The platform's TCP connections for workers: real Vert.x sockets on loopback, egress rules, TLS, flow control. */
class TcpEgressTest {
    private static final EgressPolicies LOOPBACK_ALLOWED = new EgressPolicies(
            new EgressPolicy(List.of("localhost", "127.0.0.1/32"), List.of()), EgressPolicy.OPEN, EgressPolicy.OPEN);
    private static final EgressPolicies DEFAULTS = new EgressPolicies(EgressPolicy.OPEN, EgressPolicy.OPEN, EgressPolicy.OPEN);

    private static Vertx vertx;
    private static SelfSignedCertificate certificate;
    private static TcpEgress egress;
    private final List<NetServer> servers = new java.util.ArrayList<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        certificate = SelfSignedCertificate.create("localhost");
        egress = new TcpEgress(vertx, Optional.of(certificate.trustOptions()));
    }

    @AfterEach
    void closeServers() throws Exception {
        for (NetServer server : servers) {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        egress.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        certificate.delete();
    }

    private NetServer server(NetServerOptions options, Consumer<NetSocket> serve) throws Exception {
        NetServer server = vertx.createNetServer(options.setHost("127.0.0.1").setPort(0)).connectHandler(serve::accept)
                .listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        servers.add(server);
        return server;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads until {@code expected} bytes have arrived. */
    private static String readFully(HostSocket socket, int expected) throws Exception {
        StringBuilder out = new StringBuilder();
        while (out.length() < expected) {
            byte[] got = await(socket.read());
            if (got.length == 0) {
                break;
            }
            out.append(text(got));
        }
        return out.toString();
    }

    @Test
    void a_plain_connection_to_an_allowed_address_carries_bytes_both_ways() throws Exception {
        NetServer server = server(new NetServerOptions(), socket -> socket.handler(socket::write));
        HostSocket socket = await(egress.connect(new SocketRequest("localhost", server.actualPort(),
                SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED));
        assertThat(socket.remoteAddress()).isEqualTo("localhost:" + server.actualPort());
        await(socket.write(bytes("ping")));
        assertThat(readFully(socket, 4)).isEqualTo("ping");
        socket.close();
        assertThat(await(socket.read())).isEmpty();
    }

    @Test
    void writes_and_a_shutdown_made_without_waiting_reach_the_peer_in_order() throws Exception {
        // Reads until the client's end of output (a plain socket: it sees the half-close), then
        // answers with the count and a digest of what arrived.
        java.net.ServerSocket server = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
        Thread peer = new Thread(() -> {
            try (server; java.net.Socket s = server.accept()) {
                byte[] all = s.getInputStream().readAllBytes();
                s.getOutputStream().write(bytes(all.length + " " + java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(all))));
            } catch (Exception e) {
                // the assertion below fails without an answer
            }
        }, "digest-peer");
        peer.setDaemon(true);
        peer.start();
        HostSocket socket = await(egress.connect(new SocketRequest("localhost", server.getLocalPort(),
                SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED));
        byte[] first = new byte[3 * 1024 * 1024];
        byte[] second = new byte[1024 * 1024 + 5];
        java.util.Arrays.fill(first, (byte) 1);
        java.util.Arrays.fill(second, (byte) 2);
        CompletableFuture<Void> a = socket.write(first);
        CompletableFuture<Void> b = socket.write(second);
        CompletableFuture<Void> end = socket.shutdownOutput();
        await(a);
        await(b);
        await(end);
        java.security.MessageDigest expected = java.security.MessageDigest.getInstance("SHA-256");
        expected.update(first);
        expected.update(second);
        String answer = text(await(socket.read()));
        for (byte[] more = await(socket.read()); more.length > 0; more = await(socket.read())) {
            answer += text(more);
        }
        assertThat(answer).isEqualTo((first.length + second.length) + " "
                + java.util.HexFormat.of().formatHex(expected.digest()));
        socket.close();
    }

    @Test
    void non_public_addresses_need_the_platform_allow_list_and_port_25_is_never_reachable() throws Exception {
        NetServer server = server(new NetServerOptions(), socket -> socket.handler(socket::write));
        assertThatThrownBy(() -> await(egress.connect(new SocketRequest("127.0.0.1", server.actualPort(),
                SocketRequest.SecureTransport.OFF), DEFAULTS)))
                .hasCauseInstanceOf(InvocationException.class)
                .cause().hasMessageContaining("connect() to 127.0.0.1:" + server.actualPort()
                        + " was blocked by the egress policy");
        assertThatThrownBy(() -> await(egress.connect(new SocketRequest("169.254.169.254", 80,
                SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED)))
                .cause().hasMessageContaining("blocked by the egress policy");
        assertThatThrownBy(() -> await(egress.connect(new SocketRequest("localhost", 25,
                SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED)))
                .cause().hasMessageContaining("port 25 are not allowed");
    }

    @Test
    void a_malformed_ipv6_literal_is_a_clear_lookup_error() {
        for (String host : List.of("[", "[]", "[::1")) {
            assertThatThrownBy(() -> await(egress.connect(new SocketRequest(host, 5432,
                    SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED)))
                    .as(host).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(InvocationException.class).hasMessageContaining("DNS lookup failed for " + host);
        }
    }

    @Test
    void a_closed_port_is_a_clear_connection_error() throws Exception {
        // A port bound and not listening: connections to it are refused, and no other test's
        // server can take it meanwhile (a port freed by a closed server could be, and was).
        try (java.net.Socket held = new java.net.Socket()) {
            held.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            int port = held.getLocalPort();
            assertThatThrownBy(() -> await(egress.connect(new SocketRequest("127.0.0.1", port,
                    SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED)))
                    .isInstanceOf(ExecutionException.class)
                    .cause().hasMessageStartingWith("proxy request failed, cannot connect to the specified address");
        }
    }

    @Test
    void a_peer_that_sends_faster_than_the_worker_reads_is_held_back() throws Exception {
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> stalled = new CompletableFuture<>();
        byte[] block = new byte[64 * 1024];
        NetServer server = server(new NetServerOptions(), socket -> {
            Runnable[] pump = new Runnable[1];
            pump[0] = () -> {
                while (!socket.writeQueueFull() && written.get() < 256L * 1024 * 1024) {
                    socket.write(Buffer.buffer(block));
                    written.addAndGet(block.length);
                }
                if (socket.writeQueueFull()) {
                    stalled.complete(null);
                    socket.drainHandler(v -> pump[0].run());
                }
            };
            pump[0].run();
        });
        HostSocket socket = await(egress.connect(new SocketRequest("127.0.0.1", server.actualPort(),
                SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED));
        // Nothing is read: the peer's writes back up (a client reading without bound would take
        // all 256 MB at once) once it has sent the read-ahead plus the TCP buffers of both ends.
        await(stalled);
        assertThat(written.get()).isLessThan(64L * 1024 * 1024);
        long received = 0;
        for (int i = 0; i < 200; i++) {
            byte[] got = await(socket.read());
            assertThat(got.length).isBetween(1, VertxHostSocket.READ_AHEAD);
            received += got.length;
        }
        assertThat(received).isGreaterThan(0);
        socket.close();
    }

    @Test
    void a_paused_connection_reads_nothing_more_from_the_network_than_its_read_ahead_and_the_read_under_way()
            throws Exception {
        CompletableFuture<Void> stalled = new CompletableFuture<>();
        byte[] block = new byte[64 * 1024];
        NetServer server = server(new NetServerOptions(), socket -> socket.handler(go -> {
            Runnable[] pump = new Runnable[1];
            pump[0] = () -> {
                while (!socket.writeQueueFull()) {
                    socket.write(Buffer.buffer(block));
                }
                stalled.complete(null);
                socket.drainHandler(v -> pump[0].run());
            };
            pump[0].run();
        }));
        VertxHostSocket socket = (VertxHostSocket) await(egress.connect(new SocketRequest("127.0.0.1",
                server.actualPort(), SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED));
        AtomicLong fromNetwork = new AtomicLong();
        socket.channel().pipeline().addFirst(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object message) {
                if (message instanceof io.netty.buffer.ByteBuf bytes) {
                    fromNetwork.addAndGet(bytes.readableBytes());
                }
                ctx.fireChannelRead(message);
            }
        });
        await(socket.write(bytes("GO")));
        await(stalled);
        // Reading stops once the read-ahead is full: then nothing more comes from the network,
        // however much the peer has to send.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (await(socket.unreadBytes()) < VertxHostSocket.READ_AHEAD && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        long seen;
        do {
            seen = fromNetwork.get();
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        } while (fromNetwork.get() != seen && System.nanoTime() < deadline);
        long unread = await(socket.unreadBytes());
        assertThat(unread).isGreaterThanOrEqualTo(VertxHostSocket.READ_AHEAD);
        assertThat(fromNetwork.get() - unread).as("bytes read from the network and held beside the read-ahead")
                .isLessThanOrEqualTo(VertxHostSocket.READ_AHEAD);
        socket.close();
    }

    @Test
    void bytes_written_before_close_reach_a_peer_that_reads_them_only_afterwards() throws Exception {
        writeCloseAndReadAfterwards(false);
    }

    @Test
    void bytes_written_before_a_half_close_and_a_close_reach_a_peer_that_reads_them_only_afterwards() throws Exception {
        writeCloseAndReadAfterwards(true);
    }

    private void writeCloseAndReadAfterwards(boolean halfClosedFirst) throws Exception {
        // A small receive buffer: most of what was written is still in the sender's kernel at the close.
        java.net.ServerSocket server = new java.net.ServerSocket();
        server.setReceiveBufferSize(4096);
        server.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 10);
        CompletableFuture<java.net.Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (server) {
            VertxHostSocket socket = (VertxHostSocket) await(egress.connect(new SocketRequest("127.0.0.1",
                    server.getLocalPort(), SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED));
            byte[] sent = new byte[16 * 1024];
            java.util.Arrays.fill(sent, (byte) 7);
            try (java.net.Socket peer = accepted.get(30, TimeUnit.SECONDS)) {
                await(socket.write(sent));
                if (halfClosedFirst) {
                    await(socket.shutdownOutput());
                }
                socket.close();
                // The peer reads to the end only now, and closes its side on seeing it.
                assertThat(peer.getInputStream().readAllBytes()).isEqualTo(sent);
            }
            socket.channel().closeFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void close_ends_a_connection_soon_even_when_its_peer_has_stopped_reading() throws Exception {
        // A small receive buffer that its owner never empties: the kernel takes few of the bytes queued.
        NetServer server = server(new NetServerOptions().setReceiveBufferSize(4096), NetSocket::pause);
        VertxHostSocket socket = (VertxHostSocket) await(egress.connect(new SocketRequest("127.0.0.1",
                server.actualPort(), SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED));
        // More than the TCP buffers of both ends take: the write can never end.
        CompletableFuture<Void> write = socket.write(new byte[64 * 1024 * 1024]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (socket.channel().isWritable() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(socket.channel().isWritable()).as("the connection holds bytes its peer does not take").isFalse();
        int fromPort = ((java.net.InetSocketAddress) socket.channel().localAddress()).getPort();
        assertThat(KernelSockets.connectedTo(server.actualPort(), fromPort)).as("the connection as the kernel lists it")
                .isNotEmpty();
        socket.close();
        io.netty.channel.Channel channel = socket.channel();
        try {
            channel.closeFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the connection is not closed 30 s after close(): open " + channel.isOpen()
                    + ", active " + channel.isActive() + ", writable " + channel.isWritable() + ", bytes before writable "
                    + channel.bytesBeforeWritable(), e);
        }
        assertThatThrownBy(() -> await(write)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvocationException.class);
        // Nor does the kernel keep the connection, with the bytes queued on it, for the peer.
        assertThat(KernelSockets.awaitGone(server.actualPort(), fromPort, 30)).as("sockets connected to the peer")
                .isEmpty();
    }

    @Test
    void a_worker_holds_its_share_of_sockets_from_asking_until_the_connection_has_closed() throws Exception {
        NetServer server = server(new NetServerOptions(), socket -> socket.handler(socket::write));
        SocketShares shares = new SocketShares(3, 2);
        TcpEgress capped = new TcpEgress(vertx, Optional.empty(), shares);
        try {
            SocketRequest request = new SocketRequest("127.0.0.1", server.actualPort(), SocketRequest.SecureTransport.OFF);
            HostSocket first = await(capped.connect(request, LOOPBACK_ALLOWED, "worker-a"));
            HostSocket second = await(capped.connect(request, LOOPBACK_ALLOWED, "worker-a"));
            assertThatThrownBy(() -> await(capped.connect(request, LOOPBACK_ALLOWED, "worker-a")))
                    .isInstanceOf(ExecutionException.class).cause()
                    .hasMessage("Too many open sockets: this worker holds 2 TCP sockets (open or opening) at once; "
                            + "close some first.");
            HostSocket other = await(capped.connect(request, LOOPBACK_ALLOWED, "worker-b"));
            assertThatThrownBy(() -> await(capped.connect(request, LOOPBACK_ALLOWED, "worker-c")))
                    .isInstanceOf(ExecutionException.class).cause()
                    .hasMessageStartingWith("Too many open sockets: the server holds its most TCP sockets for workers (3)");
            // A connection that could not be made gives its share back at once; one closed, once it has closed.
            first.close();
            ((VertxHostSocket) first).channel().closeFuture().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (shares.held() > 2 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertThat(shares.held()).isEqualTo(2);
            try (java.net.Socket held = new java.net.Socket()) {
                held.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
                assertThatThrownBy(() -> await(capped.connect(new SocketRequest("127.0.0.1", held.getLocalPort(),
                        SocketRequest.SecureTransport.OFF), LOOPBACK_ALLOWED, "worker-a")))
                        .isInstanceOf(ExecutionException.class).cause().hasMessageStartingWith("proxy request failed");
            }
            assertThat(shares.held()).isEqualTo(2);
            HostSocket again = await(capped.connect(request, LOOPBACK_ALLOWED, "worker-a"));
            await(again.write(bytes("ping")));
            assertThat(readFully(again, 4)).isEqualTo("ping");
            for (HostSocket socket : List.of(second, other, again)) {
                socket.close();
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (shares.held() > 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertThat(shares.held()).isZero();
        } finally {
            capped.close();
        }
    }

    @Test
    void tls_from_the_start_verifies_the_certificate_for_the_name_the_worker_gave() throws Exception {
        NetServer server = server(new NetServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()),
                socket -> socket.handler(b -> socket.write(Buffer.buffer("tls:" + b))));
        HostSocket socket = await(egress.connect(new SocketRequest("localhost", server.actualPort(),
                SocketRequest.SecureTransport.ON), LOOPBACK_ALLOWED));
        await(socket.write(bytes("hello")));
        assertThat(readFully(socket, 9)).isEqualTo("tls:hello");
        socket.close();

        TcpEgress untrusting = new TcpEgress(vertx, Optional.empty());
        try {
            assertThatThrownBy(() -> await(untrusting.connect(new SocketRequest("localhost", server.actualPort(),
                    SocketRequest.SecureTransport.ON), LOOPBACK_ALLOWED)))
                    .as("a certificate nobody vouches for").isInstanceOf(ExecutionException.class)
                    .cause().hasMessageStartingWith("proxy request failed");
        } finally {
            untrusting.close();
        }
        assertThatThrownBy(() -> await(egress.connect(new SocketRequest("127.0.0.1", server.actualPort(),
                SocketRequest.SecureTransport.ON), LOOPBACK_ALLOWED)))
                .as("the certificate names localhost, not 127.0.0.1").isInstanceOf(ExecutionException.class);
    }

    /**
     * A server with this certificate that answers plain messages with {@code plain} (true once it
     * has switched the connection to TLS) and then answers each message with "secure:" and it.
     */
    private NetServer startTlsServer(java.util.function.BiPredicate<NetSocket, String> plain) throws Exception {
        return server(new NetServerOptions().setKeyCertOptions(certificate.keyCertOptions()), socket -> {
            boolean[] secure = {false};
            socket.handler(b -> {
                if (secure[0]) {
                    socket.write(Buffer.buffer("secure:" + b));
                } else {
                    secure[0] = plain.test(socket, b.toString());
                }
            });
        });
    }

    @Test
    void starttls_upgrades_a_plain_connection() throws Exception {
        NetServer server = startTlsServer((socket, message) -> {
            if (!message.equals("STARTTLS")) {
                return false;
            }
            // GO goes out once the server is ready for TLS (the server's TLS context may be
            // made only now): the client's handshake, sent once it reads GO, finds it ready.
            socket.upgradeToSsl(Buffer.buffer("GO"));
            return true;
        });
        HostSocket socket = await(egress.connect(new SocketRequest("localhost", server.actualPort(),
                SocketRequest.SecureTransport.STARTTLS), LOOPBACK_ALLOWED));
        await(socket.write(bytes("STARTTLS")));
        assertThat(readFully(socket, 2)).isEqualTo("GO");
        await(socket.startTls());
        await(socket.write(bytes("data")));
        assertThat(readFully(socket, 11)).isEqualTo("secure:data");
        socket.close();
    }

    @Test
    void starttls_drops_plaintext_that_arrived_unread_before_the_handshake() throws Exception {
        NetServer server = startTlsServer((socket, message) -> {
            if (message.equals("STARTTLS")) {
                socket.write("GO");
            } else if (message.equals("READ")) {
                // what a party on the path could slip in after the answer the client read
                socket.upgradeToSsl(Buffer.buffer("INJECTED"));
                return true;
            }
            return false;
        });
        HostSocket socket = await(egress.connect(new SocketRequest("localhost", server.actualPort(),
                SocketRequest.SecureTransport.STARTTLS), LOOPBACK_ALLOWED));
        await(socket.write(bytes("STARTTLS")));
        assertThat(readFully(socket, 2)).isEqualTo("GO");
        await(socket.write(bytes("READ")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (await(((VertxHostSocket) socket).unreadBytes()) < "INJECTED".length() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(await(((VertxHostSocket) socket).unreadBytes())).isEqualTo("INJECTED".length());
        await(socket.startTls());
        await(socket.write(bytes("data")));
        assertThat(readFully(socket, 11)).isEqualTo("secure:data");
        socket.close();
    }
}
