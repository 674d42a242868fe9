package dev.tenantd.platform.websocket;

import dev.tenantd.platform.PromptClose;
import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Vert.x WebSocket (a client's connection to the worker listener) as the network side of a bridge. */
final class VertxNetworkSocket implements NetworkSocket {
    private static final Logger LOG = LoggerFactory.getLogger(VertxNetworkSocket.class);

    private final WebSocketBase socket;

    VertxNetworkSocket(WebSocketBase socket) {
        this.socket = socket;
    }

    @Override
    public void listen(Listener listener) {
        socket.textMessageHandler(text -> listener.message(new WebSocketMessage.Text(text)));
        socket.binaryMessageHandler(bytes -> listener.message(new WebSocketMessage.Binary(bytes.getBytes())));
        socket.exceptionHandler(error -> LOG.debug("WebSocket connection error: {}", error.toString()));
        socket.closeHandler(v -> {
            Short code = socket.closeStatusCode();
            String reason = socket.closeReason();
            listener.closed(code == null ? WebSocketLimits.ABNORMAL : code, reason == null ? "" : reason);
        });
    }

    @Override
    public Future<Void> send(WebSocketMessage message) {
        return switch (message) {
            case WebSocketMessage.Text t -> socket.writeTextMessage(t.text());
            case WebSocketMessage.Binary b -> socket.writeBinaryMessage(Buffer.buffer(b.bytes()));
        };
    }

    @Override
    public void close(int code, String reason) {
        Channel channel = ((WebSocketInternal) socket).channelHandlerContext().channel();
        if (code == WebSocketLimits.NO_STATUS || code == WebSocketLimits.ABNORMAL) {
            socket.close();
        } else {
            socket.close((short) code, reason);
        }
        // The closing handshake's time-out counts from when the close frame has left, which,
        // queued behind what a peer that stopped reading never takes, is never.
        PromptClose.cutOffIfOpenAfter(channel, CLOSING_MS);
    }

    /** How long a closing connection may stay: Vert.x's closing handshake's 10 s, and 5 s for what is queued. */
    static final long CLOSING_MS = 15_000;

    @Override
    public void pause() {
        socket.pause();
    }

    @Override
    public void resume() {
        socket.resume();
    }

    @Override
    public boolean isClosed() {
        return socket.isClosed();
    }
}
