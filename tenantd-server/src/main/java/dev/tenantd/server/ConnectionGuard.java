package dev.tenantd.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's defence against clients that hold connections: it counts open connections
 * (all, and per client address) and refuses one over either cap at once, with a response
 * that says so; every connection gets a {@link ConnectionClock}, which also sends that answer.
 * <p>
 * Vert.x has no public hook for the bytes and messages of a server connection, so the
 * clock goes into the connection's Netty pipeline, in front of Vert.x's own handler.
 */
final class ConnectionGuard implements Handler<HttpConnection> {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** Refusals come in floods; one log line per this interval says that they happen. */
    private static final long REFUSAL_LOG_INTERVAL = TimeUnit.SECONDS.toNanos(10);
    /** The name Vert.x gives its handler at the end of an HTTP/1.x pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private final String listener;
    private final ListenerLimits limits;
    private final ListenerReplies replies;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastRefusalLogged = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL);
    private final ConcurrentHashMap<String, Integer> openByAddress = new ConcurrentHashMap<>();

    private static final String CLOCK = "tenantd-connection-clock";

    ConnectionGuard(String listener, ListenerLimits limits, ListenerReplies replies) {
        this.listener = listener;
        this.limits = limits;
        this.replies = replies;
    }

    /**
     * Closes the connection at once, dropping what is still queued for the client, in the server
     * and in the kernel (Vert.x's own close waits until that has been written, which a client that
     * reads nothing never allows).
     */
    static void closeNow(HttpConnection connection) {
        Channel channel = ((ConnectionBase) connection).channel();
        // With a reset: the kernel drops what is queued too, rather than keep it for minutes.
        channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        // From the clock toward the socket, past Vert.x's handler, which would queue the close after those writes.
        ChannelHandlerContext clock = channel.pipeline().context(CLOCK);
        if (clock != null) {
            clock.close();
        } else {
            channel.unsafe().close(channel.voidPromise());
        }
    }

    @Override
    public void handle(HttpConnection connection) {
        Channel channel = ((ConnectionBase) connection).channel();
        ConnectionClock clock = new ConnectionClock(limits, replies);
        channel.pipeline().addBefore(VERTX_HANDLER, CLOCK, clock);
        String address = addressKey(channel.remoteAddress());
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            logRefusal("{} listener: refusing connections: {} are open ([server] max-connections); last from {}",
                    limits.maxConnections(), address);
            refuse(clock, ListenerProblem.TOO_MANY_CONNECTIONS, "This server has as many open connections as it "
                    + "takes (" + limits.maxConnections() + "). Try again shortly.");
            return;
        }
        if (openByAddress.merge(address, 1, Integer::sum) > limits.maxConnectionsPerIp()) {
            release(address);
            logRefusal("{} listener: refusing connections over {} from one address ([server] max-connections-per-ip); "
                    + "last from {}", limits.maxConnectionsPerIp(), address);
            refuse(clock, ListenerProblem.TOO_MANY_CONNECTIONS_FROM_ADDRESS, "Too many connections from your "
                    + "address: " + limits.maxConnectionsPerIp() + " are open. Reuse kept-alive connections or close some.");
            return;
        }
        channel.closeFuture().addListener(closed -> release(address));
    }

    private void logRefusal(String format, int cap, String address) {
        long now = System.nanoTime();
        long last = lastRefusalLogged.get();
        if (now - last >= REFUSAL_LOG_INTERVAL && lastRefusalLogged.compareAndSet(last, now)) {
            LOG.warn(format, listener, cap, address);
        }
    }

    private void release(String address) {
        openByAddress.computeIfPresent(address, (k, n) -> n == 1 ? null : n - 1);
        open.decrementAndGet();
    }

    /** Answers before reading anything and closes. */
    private void refuse(ConnectionClock clock, ListenerProblem problem, String message) {
        clock.closeWith(replies.reply(problem, message));
    }

    /**
     * The client a connection counts against: its IP address, or its /64 for IPv6, since
     * one IPv6 client usually holds a whole /64 and could otherwise take a new address per
     * connection. An IPv4-mapped IPv6 address counts as the IPv4 address.
     */
    static String addressKey(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return String.valueOf(remote);
        }
        InetAddress ip = inet.getAddress();
        if (ip instanceof Inet6Address) {
            byte[] bytes = ip.getAddress();
            if (isIpv4Mapped(bytes)) {
                return (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
            }
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        }
        return ip.getHostAddress();
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
