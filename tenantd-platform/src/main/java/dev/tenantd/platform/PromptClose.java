package dev.tenantd.platform;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * Makes the close of an outbound connection final even when its peer has stopped reading.
 * Vert.x closes a connection once the bytes queued on it are written, and the kernel keeps what
 * it was handed after the process has let go; a peer that takes none never lets either end: a
 * fetch() reset mid-upload, a WebSocket closed by its worker or a socket closed while backed up
 * kept its connection, or the kernel kept megabytes of it, for as long as the peer liked.
 *
 * <p>So a connection closed while backed up is cut off at once: closed with a TCP reset, which
 * drops what is queued in the process and in the kernel. Any other is closed as usual, except
 * that its end is only half-closed: the peer is sent the end of the stream after every byte
 * queued before it, and the connection closes when the peer closes its side, as peers do once
 * they have read to the end. A connection still open {@link #GRACE_MS} after its close was asked
 * for is cut off.
 */
public final class PromptClose {
    /** How long a closed connection's queued bytes may take to reach the peer before it is cut off. */
    public static final long GRACE_MS = 5_000;

    private static final String ASKED = "tenantd-close-asked";
    private static final String ENDING = "tenantd-close-ending";

    private PromptClose() {
    }

    /** Installs on {@code connection}, whose pipeline is complete (any TLS handler in place). */
    public static void install(HttpConnection connection) {
        install(((ConnectionBase) connection).channel());
    }

    /**
     * Installs on {@code channel}, a Vert.x connection's; again after a TLS handler is added, so
     * that the end is sent after TLS has said its last.
     */
    public static void install(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(ASKED) == null) {
            // Last: a close asked of the channel reaches this before Vert.x's handler queues it.
            pipeline.addLast(ASKED, new Asked());
        }
        if (pipeline.get(ENDING) != null) {
            pipeline.remove(ENDING);
        }
        // First: what reaches this is the close itself, after Vert.x and TLS have written their last.
        pipeline.addFirst(ENDING, new Ending());
    }

    /** Where a close is asked for: a backed-up connection is cut off now, any other within the grace. */
    private static final class Asked extends ChannelOutboundHandlerAdapter {
        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            Channel channel = ctx.channel();
            if (!channel.isWritable()) {
                cutOff(channel, promise);
                return;
            }
            ctx.close(promise);
            cutOffAfterGrace(ctx, channel);
        }
    }

    /** Where the close reaches the socket: the end is sent, and the peer's own end closes it. */
    private static final class Ending extends ChannelOutboundHandlerAdapter {
        private boolean ending;

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            Channel channel = ctx.channel();
            if (ending) {
                channel.closeFuture().addListener(closed -> promise.trySuccess());
                return;
            }
            if (!(channel instanceof DuplexChannel duplex) || !channel.isActive() || duplex.isOutputShutdown()
                    || Integer.valueOf(0).equals(channel.config().getOption(ChannelOption.SO_LINGER))) {
                // Nothing to end, or a close meant as a reset (a request broken off).
                ctx.close(promise);
                return;
            }
            ending = true;
            channel.closeFuture().addListener(closed -> promise.trySuccess());
            duplex.shutdownOutput().addListener(sent -> {
                if (!sent.isSuccess()) {
                    cutOff(channel, channel.voidPromise());
                }
            });
            cutOffAfterGrace(ctx, channel);
        }
    }

    /** Cuts {@code channel} off now: closed with a reset, past every handler, dropping what is queued. */
    public static void cutOff(Channel channel) {
        channel.eventLoop().execute(() -> cutOff(channel, channel.voidPromise()));
    }

    /**
     * Cuts {@code channel} off if it is still open {@code delayMs} from now, or sooner once its
     * peer has taken none of the bytes queued on it for {@link #STALL_MS}: for a close that is
     * itself a message (a WebSocket's close frame, an HTTP answer), queued behind bytes that a
     * peer that stopped reading never takes. A peer that reads, however slowly, gets it.
     */
    public static void cutOffIfOpenAfter(Channel channel, long delayMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        channel.eventLoop().execute(() -> watch(channel, deadline, Connections.unsentBytes(channel)));
    }

    /** How long a closing connection's peer may take none of what is queued before it is cut off. */
    public static final long STALL_MS = 2_000;

    private static void watch(Channel channel, long deadline, long unsentBefore) {
        long wait = Math.min(STALL_MS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        channel.eventLoop().schedule(() -> {
            if (!channel.isOpen()) {
                return;
            }
            long unsent = Connections.unsentBytes(channel);
            if (System.nanoTime() - deadline >= 0 || unsent > 0 && unsent >= unsentBefore) {
                cutOff(channel, channel.voidPromise());
            } else {
                watch(channel, deadline, unsent);
            }
        }, Math.max(1, wait), TimeUnit.MILLISECONDS);
    }

    private static void cutOffAfterGrace(ChannelHandlerContext ctx, Channel channel) {
        ctx.executor().schedule(() -> {
            if (channel.isOpen()) {
                cutOff(channel, channel.voidPromise());
            }
        }, GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** Closes past every handler, with a reset: the kernel drops what is queued rather than hold it for the peer. */
    private static void cutOff(Channel channel, ChannelPromise promise) {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.unsafe().close(promise);
    }
}
