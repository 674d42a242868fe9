package dev.tenantd.platform;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/** What the network side of a Vert.x connection holds, for the budget of bodies in flight. */
public final class Connections {
    private Connections() {
    }

    /**
     * Bytes queued on the connection that its client has not taken yet (0 once it is closed),
     * roughly when read off the event loop: the queue counts a message whole until its last
     * byte is written, so the part written of the one being sent is taken off.
     */
    public static long unsentBytes(HttpConnection connection) {
        return unsentBytes(((ConnectionBase) connection).channel());
    }

    /** {@link #unsentBytes(HttpConnection)} of a channel. */
    public static long unsentBytes(io.netty.channel.Channel channel) {
        io.netty.channel.ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : Math.max(0, buffer.totalPendingWriteBytes() - buffer.currentProgress());
    }
}
