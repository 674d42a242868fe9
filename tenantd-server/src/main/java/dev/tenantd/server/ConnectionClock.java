package dev.tenantd.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of one HTTP/1.1 connection, kept where the connection's messages pass
 * (between Netty's HTTP codec and Vert.x, on the connection's event loop):
 * <ul>
 * <li>waiting for a request: its headers must be complete within the header timeout of the
 *     connection's start, or of the first byte after the previous response; a kept-alive
 *     connection that gets no byte within the idle timeout is closed;</li>
 * <li>receiving a body: the body timeout plus one second per {@code bodyMinBytesPerSecond}
 *     bytes received, so a large body sent steadily is never cut while a trickle is;</li>
 * <li>sending a response: the client must take some of it within each idle timeout, so a
 *     slow download goes on while a client that stopped reading is let go;</li>
 * <li>while the handler works on a received request there is no deadline here: the worker's
 *     own limits (CPU, wall time) end it.</li>
 * </ul>
 * A request that was begun but not finished in time gets a 408 before the close; any other
 * connection is closed silently, as idle connections are. After a WebSocket upgrade the
 * connection is no longer HTTP and the clock stops.
 */
final class ConnectionClock extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionClock.class);
    private static final long NONE = Long.MAX_VALUE;

    private enum Phase { WAITING, RECEIVING_BODY, WORKING, SENDING, DONE }

    private final ListenerLimits limits;
    private final ListenerReplies replies;

    private ChannelHandlerContext ctx;
    private int requestsStarted;
    private int requestsEnded;
    private int responsesStarted;
    /** Responses whose last byte reached the socket. */
    private int responsesSent;
    private boolean upgraded;
    private boolean done;
    /** Whether any byte of the awaited request arrived. */
    private boolean requestBegun;
    /** Whether the current read ended a request that was answered already: its bytes begin no new one. */
    private boolean readEndedAnsweredRequest;
    private long waitingSince;
    private long headersSince;
    private long bodySince;
    private long bodyBytes;
    private long sendingProgressAt;
    private SendState lastSendState;
    private ScheduledFuture<?> timer;
    private long timerAt;

    /**
     * Where the sending of responses stands, to tell whether the client took any since the last
     * look: how many messages were written out whole, how far the current one is, and what is
     * left. Counted, not the current message itself: buffers compare by content and are
     * recycled by the pool, so two pieces of a body can look like one piece that did not move.
     */
    private record SendState(long written, long progress, long pending) {
    }

    /** Messages of responses written out whole to the socket; read and changed on the event loop. */
    private long messagesWritten;
    private final ChannelFutureListener countWritten = future -> messagesWritten++;

    ConnectionClock(ListenerLimits limits, ListenerReplies replies) {
        this.limits = limits;
        this.replies = replies;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long now = System.nanoTime();
        waitingSince = now;
        headersSince = now;
        rearm(now);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        done = true;
        cancelTimer();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!upgraded) {
            if (msg instanceof HttpRequest) {
                requestsStarted++;
                bodySince = System.nanoTime();
                bodyBytes = 0;
            }
            if (msg instanceof HttpContent content) {
                bodyBytes += content.content().readableBytes();
            }
            if (msg instanceof LastHttpContent) {
                requestsEnded++;
                if (phase() == Phase.WAITING) {
                    readEndedAnsweredRequest = true;
                    startWaiting(System.nanoTime());
                }
            }
        }
        super.channelRead(ctx, msg);
    }

    /** Fires after every read from the socket, also one that completed no message: the sign a request has begun. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (!upgraded) {
            long now = System.nanoTime();
            if (readEndedAnsweredRequest) {
                readEndedAnsweredRequest = false;
            } else if (!requestBegun && phase() == Phase.WAITING) {
                requestBegun = true;
                if (requestsStarted > 0) {
                    // a later request's header clock starts with its first byte; the first one's with the connection
                    headersSince = now;
                }
            }
            rearm(now);
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (upgraded) {
            super.write(ctx, msg, promise);
            return;
        }
        boolean informational = false;
        if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status == 101) {
                upgraded = true;
                cancelTimer();
            }
            informational = status < 200;
            if (!informational) {
                responsesStarted++;
            }
        }
        if (!(msg instanceof LastHttpContent) || informational || upgraded) {
            super.write(ctx, msg, upgraded ? promise : promise.unvoid().addListener(countWritten));
            if (!informational && !upgraded && timer == null) {
                // A response's first bytes after the handler worked without a deadline: the client
                // must take some of them within the idle timeout, even before the response's end is
                // written (a body sent in pieces as the connection drains writes its end last).
                long now = System.nanoTime();
                sendingProgressAt = now;
                lastSendState = null;
                rearm(now);
            }
            return;
        }
        long now = System.nanoTime();
        sendingProgressAt = now;
        lastSendState = null;
        ChannelPromise sent = promise.unvoid();
        sent.addListener(countWritten);
        sent.addListener(written -> responseSent());
        super.write(ctx, msg, sent);
        rearm(now);
    }

    private void responseSent() {
        responsesSent++;
        if (phase() == Phase.WAITING) {
            startWaiting(System.nanoTime());
        }
    }

    /** Every request so far is read and answered: the connection now waits for the next one. */
    private void startWaiting(long now) {
        waitingSince = now;
        requestBegun = false;
        rearm(now);
    }

    private Phase phase() {
        if (upgraded || done) {
            return Phase.DONE;
        }
        if (requestsStarted > requestsEnded) {
            return Phase.RECEIVING_BODY;
        }
        if (responsesSent < requestsStarted) {
            return pendingWriteBytes() > 0 ? Phase.SENDING : Phase.WORKING;
        }
        return Phase.WAITING;
    }

    private long pendingWriteBytes() {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    private long deadline() {
        return switch (phase()) {
            case DONE, WORKING -> NONE;
            case RECEIVING_BODY -> bodySince + TimeUnit.MILLISECONDS.toNanos(
                    limits.bodyTimeoutMs() + bodyBytes * 1000 / limits.bodyMinBytesPerSecond());
            case SENDING -> sendingProgressAt + TimeUnit.MILLISECONDS.toNanos(limits.idleTimeoutMs());
            case WAITING -> requestBegun || requestsStarted == 0
                    ? headersSince + TimeUnit.MILLISECONDS.toNanos(limits.headerTimeoutMs())
                    : waitingSince + TimeUnit.MILLISECONDS.toNanos(limits.idleTimeoutMs());
        };
    }

    /**
     * Makes sure a timer fires at the current deadline or before it. A later deadline keeps
     * the timer already set (it looks again when it fires), so a busy connection does not
     * reschedule on every message.
     */
    private void rearm(long now) {
        long deadline = deadline();
        if (deadline == NONE || (timer != null && timerAt <= deadline)) {
            return;
        }
        cancelTimer();
        schedule(deadline, now);
    }

    private void schedule(long at, long now) {
        timerAt = at;
        timer = ctx.executor().schedule(this::fire, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        long now = System.nanoTime();
        Phase phase = phase();
        if (phase == Phase.RECEIVING_BODY && !ctx.channel().config().isAutoRead()) {
            // The server stopped reading (it is busy with an earlier pipelined request, or its
            // handler applies backpressure): that time is not the client's, so the body's clock restarts.
            bodySince = now;
            bodyBytes = 0;
        }
        if (phase == Phase.SENDING) {
            ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
            SendState state = buffer == null ? null
                    : new SendState(messagesWritten, buffer.currentProgress(), buffer.totalPendingWriteBytes());
            if (state != null && !state.equals(lastSendState)) {
                sendingProgressAt = now;
            }
            lastSendState = state;
        }
        long deadline = deadline();
        if (deadline == NONE) {
            return;
        }
        if (now - deadline < 0) {
            schedule(deadline, now);
            return;
        }
        expire(phase, now);
    }

    private void expire(Phase phase, long now) {
        String message = null;
        if (phase == Phase.RECEIVING_BODY && responsesStarted < requestsStarted) {
            message = "The request body did not arrive in time: " + bodyBytes + " bytes in "
                    + TimeUnit.NANOSECONDS.toMillis(now - bodySince) + " ms, where " + limits.bodyTimeoutMs()
                    + " ms plus 1 s per " + limits.bodyMinBytesPerSecond() + " bytes received are allowed. "
                    + "Send the body without pauses.";
        } else if (phase == Phase.WAITING && requestBegun) {
            message = "The request headers did not arrive within " + limits.headerTimeoutMs()
                    + " ms. Send the request line and headers without pauses.";
        }
        if (message == null) {
            LOG.debug("closing {} ({})", ctx.channel(), switch (phase) {
                case RECEIVING_BODY -> "slow body after its response began";
                case SENDING -> "the client stopped reading its response";
                default -> "idle";
            });
            done = true;
            if (phase == Phase.SENDING) {
                // With a reset: the kernel drops what the client left unread, rather than keep it for minutes.
                ctx.channel().config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
            }
            ctx.close();
            return;
        }
        LOG.debug("closing {}: {}", ctx.channel(), message);
        closeWith(replies.reply(ListenerProblem.REQUEST_TIMEOUT, message));
    }

    /** How long an answer the connection closes after may take to leave. */
    private static final long ANSWER_LEAVES_MS = 5_000;

    /**
     * Answers and closes the connection, when no response is under way on it. The answer
     * leaves from here, in front of Vert.x, through Netty's HTTP encoder.
     */
    void closeWith(ListenerReplies.Reply reply) {
        done = true;
        cancelTimer();
        ctx.channel().config().setAutoRead(false);
        if (responsesSent < responsesStarted) {
            // An earlier response (pipelined) is still on its way: an answer cannot go between its
            // bytes, and a client that stopped taking it would keep the answer, and the
            // connection, waiting for ever.
            ctx.close();
            return;
        }
        ctx.writeAndFlush(reply.toResponse()).addListener(ChannelFutureListener.CLOSE);
        // A client that takes none of it (its window full of an earlier answer) would keep it waiting.
        dev.tenantd.platform.PromptClose.cutOffIfOpenAfter(ctx.channel(), ANSWER_LEAVES_MS);
    }
}
