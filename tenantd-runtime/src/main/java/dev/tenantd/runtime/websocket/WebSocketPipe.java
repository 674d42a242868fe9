package dev.tenantd.runtime.websocket;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Two {@link WebSocketEnd ends} joined to each other, as {@code new WebSocketPair()} makes
 * them: what one end sends reaches the receiver attached to the other. Until an end is
 * attached, what is sent to it waits (up to {@link WebSocketLimits#UNATTACHED_MESSAGES} messages
 * and {@link WebSocketLimits#UNATTACHED_BYTES} bytes).
 * A close travels like a message and ends the direction it was sent in.
 */
public final class WebSocketPipe {
    private final Side first = new Side();
    private final Side second = new Side();

    public WebSocketPipe() {
        first.other = second;
        second.other = first;
    }

    public WebSocketEnd first() {
        return first;
    }

    public WebSocketEnd second() {
        return second;
    }

    /** A close that waits for an end to be attached. */
    private record Close(int code, String reason) {
    }

    private final class Side implements WebSocketEnd {
        Side other;
        /** Where what the other side sends goes; null until attached. */
        WebSocketReceiver receiver;
        /** What the other side sent before this side was attached: messages, then perhaps a Close. */
        final ArrayDeque<Object> waiting = new ArrayDeque<>();
        /** Bytes of the messages in {@code waiting}. */
        long waitingBytes;
        /** Whether this side sent its close. */
        boolean closedOutgoing;
        /** Whether this side received a close (or the receiver was told). */
        boolean closedIncoming;

        @Override
        public void attach(WebSocketReceiver target) {
            Objects.requireNonNull(target);
            synchronized (WebSocketPipe.this) {
                if (receiver != null) {
                    throw new IllegalStateException("this WebSocket end is attached already");
                }
                receiver = target;
                waitingBytes = 0;
                while (!waiting.isEmpty()) {
                    Object next = waiting.poll();
                    if (next instanceof Close close) {
                        closedIncoming = true;
                        target.closed(close.code(), close.reason());
                    } else {
                        target.message((WebSocketMessage) next);
                    }
                }
            }
        }

        @Override
        public boolean fromNetwork() {
            synchronized (WebSocketPipe.this) {
                return other.receiver != null && other.receiver.network();
            }
        }

        @Override
        public void send(WebSocketMessage message) {
            synchronized (WebSocketPipe.this) {
                if (closedOutgoing || other.closedIncoming) {
                    return;
                }
                if (other.receiver != null) {
                    other.receiver.message(message);
                } else if (other.waiting.size() < WebSocketLimits.UNATTACHED_MESSAGES
                        && other.waitingBytes + message.size() <= WebSocketLimits.UNATTACHED_BYTES) {
                    other.waiting.add(message);
                    other.waitingBytes += message.size();
                } else {
                    // Nobody takes the messages: both directions fail rather than hold them without bound.
                    other.waiting.clear();
                    other.waitingBytes = 0;
                    other.waiting.add(new Close(WebSocketLimits.INTERNAL_ERROR, "Too many messages before the WebSocket was accepted."));
                    closedOutgoing = true;
                    other.closedOutgoing = true;
                    deliverClose(this, WebSocketLimits.INTERNAL_ERROR, "Too many messages before the WebSocket was accepted.");
                }
            }
        }

        @Override
        public void close(int code, String reason) {
            synchronized (WebSocketPipe.this) {
                if (closedOutgoing) {
                    return;
                }
                closedOutgoing = true;
                deliverClose(other, code, reason);
            }
        }

        @Override
        public boolean full() {
            synchronized (WebSocketPipe.this) {
                return other.receiver != null && other.receiver.full();
            }
        }

        @Override
        public void whenDrained(Runnable then) {
            WebSocketReceiver target;
            synchronized (WebSocketPipe.this) {
                target = other.receiver;
            }
            if (target == null) {
                then.run();
            } else {
                target.whenDrained(then);
            }
        }
    }

    /** Tells {@code to} that its other side closed (now, or once it is attached). Holds the pipe's lock. */
    private static void deliverClose(Side to, int code, String reason) {
        if (to.closedIncoming) {
            return;
        }
        if (to.receiver != null) {
            to.closedIncoming = true;
            to.receiver.closed(code, reason);
        } else {
            to.waiting.add(new Close(code, reason));
        }
    }
}
