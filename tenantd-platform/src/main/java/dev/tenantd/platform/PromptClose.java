package dev.tenantd.platform;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * Makes the close of a connection final even when its peer has stopped reading. Vert.x closes
 * a connection once the bytes queued on it are written, and the kernel keeps what it was handed
 * after the process has let go; a peer that takes none never lets either end: a fetch() reset
 * mid-upload, a WebSocket closed by its worker or a socket closed while backed up kept its
 * connection, or the kernel kept megabytes of it, for as long as the peer liked.
 *
 * <p>So once a close is asked for, the connection is watched: it is cut off (closed with a TCP
 * reset, which drops what is queued in the process and in the kernel) when its peer has taken
 * none of the bytes queued for {@link #STALL_MS}, or when it is still open at a time limit. A peer
 * that reads, however slowly, gets every byte until then. On an outbound connection the end of
 * the stream is only half-closed: the peer is sent it after every byte queued before it, and the
 * connection closes when the peer closes its side, as peers do once they have read to the end,
 * or is cut off {@link #ENDED_MS} later.
 */
public final class PromptClose {
    /** How long a closing connection's peer may take none of what is queued before it is cut off. */
    public static final long STALL_MS = 2_000;
    /** How long a closed outbound connection may stay open, its peer reading or not. */
    public static final long LIMIT_MS = 30_000;
    /** How long a peer sent the end of the stream may take to close its side. */
    public static final long ENDED_MS = 5_000;

    private static final String ASKED = "tenantd-close-asked";
    private static final String ENDING = "tenantd-close-ending";

    private PromptClose() {
    }

    /** Installs on {@code connection}, whose pipeline is complete (any TLS handler in place). */
    public static void install(HttpConnection connection) {
        install(((ConnectionBase) connection).channel());
    }

    /**
     * Installs on {@code channel}, an outbound Vert.x connection's; again after a TLS handler is
     * added, so that the end is sent after TLS has said its last.
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
        pipeline.addFirst(ENDING, new Ending(true));
    }

    /**
     * Cuts {@code channel} off if it is still open {@code limitMs} from now, or sooner once its
     * peer has taken none of what is queued for {@link #STALL_MS}: for a close that is itself a
     * message (a WebSocket's close frame, an HTTP answer), queued behind bytes that a peer that
     * stopped reading never takes.
     */
    public static void cutOffIfOpenAfter(Channel channel, long limitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        channel.eventLoop().execute(() -> {
            if (channel.isOpen()) {
                Ending ending = ending(channel);
                watch(channel, ending, deadline, ending.written, Connections.unsentBytes(channel));
            }
        });
    }

    /** The channel's byte count, installed (counting only) if it has none. */
    private static Ending ending(Channel channel) {
        if (channel.pipeline().get(ENDING) instanceof Ending ending) {
            return ending;
        }
        Ending counting = new Ending(false);
        channel.pipeline().addFirst(ENDING, counting);
        return counting;
    }

    /**
     * Checks every {@link #STALL_MS} whether the peer took anything: the bytes queued shrank, or
     * more were queued (Vert.x queues more only once the connection has drained).
     */
    private static void watch(Channel channel, Ending ending, long deadline, long writtenBefore, long unsentBefore) {
        long wait = Math.min(STALL_MS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        channel.eventLoop().schedule(() -> {
            if (!channel.isOpen()) {
                return;
            }
            long unsent = Connections.unsentBytes(channel);
            boolean stalled = unsent > 0 && ending.written == writtenBefore && unsent >= unsentBefore;
            if (stalled || System.nanoTime() - deadline >= 0) {
                cutOff(channel, channel.voidPromise());
            } else {
                watch(channel, ending, deadline, ending.written, unsent);
            }
        }, Math.max(1, wait), TimeUnit.MILLISECONDS);
    }

    /** Where a close is asked for: it goes on to Vert.x, and the connection is watched until it has closed. */
    private static final class Asked extends ChannelOutboundHandlerAdapter {
        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            Channel channel = ctx.channel();
            ctx.close(promise);
            if (channel.isOpen()) {
                Ending ending = ending(channel);
                watch(channel, ending, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS), ending.written,
                        Connections.unsentBytes(channel));
            }
        }
    }

    /**
     * Next to the socket: counts the bytes queued on it, and where a close reaches the socket,
     * sends the end (when {@code halfCloses}) and leaves the close to the peer's own end.
     */
    private static final class Ending extends ChannelOutboundHandlerAdapter {
        private final boolean halfCloses;
        /** Bytes queued on the socket so far; read and written on the event loop only. */
        long written;
        private boolean ending;

        Ending(boolean halfCloses) {
            this.halfCloses = halfCloses;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written += switch (msg) {
                case ByteBuf bytes -> bytes.readableBytes();
                case ByteBufHolder holder -> holder.content().readableBytes();
                case FileRegion region -> region.count();
                default -> 0;
            };
            ctx.write(msg, promise);
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            Channel channel = ctx.channel();
            if (ending) {
                channel.closeFuture().addListener(closed -> promise.trySuccess());
                return;
            }
            if (!halfCloses || ctx.pipeline().first() != this || !(channel instanceof DuplexChannel duplex)
                    || !channel.isActive() || duplex.isOutputShutdown()
                    || Integer.valueOf(0).equals(channel.config().getOption(ChannelOption.SO_LINGER))) {
                // Counting only; a TLS handler nearer the socket (being set up) has its last to say;
                // nothing to end; or a close meant as a reset (a request broken off).
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
            ctx.executor().schedule(() -> {
                if (channel.isOpen()) {
                    cutOff(channel, channel.voidPromise());
                }
            }, ENDED_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Closes past every handler, with a reset: the kernel drops what is queued rather than hold it for the peer. */
    private static void cutOff(Channel channel, ChannelPromise promise) {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.unsafe().close(promise);
    }
}
