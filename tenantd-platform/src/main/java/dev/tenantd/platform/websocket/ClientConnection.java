package dev.tenantd.platform.websocket;

import dev.tenantd.runtime.websocket.WebSocketLimits;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The client's side of a WebSocket a worker opened, over the connection its handshake
 * upgraded: frames are read by a {@link FrameReader} and written masked, as a client must. A
 * ping is answered (unless the server leaves earlier answers unread), a close frame is
 * answered and ends the connection, and a close this side starts waits
 * {@link #CLOSING_TIMEOUT_MS} for the server's answer before the connection is dropped.
 */
final class ClientConnection implements NetworkSocket, FrameReader.Sink {
    /** How long a close this side sends waits for the server's close frame. */
    static final long CLOSING_TIMEOUT_MS = 10_000;
    /** The largest frame sent; longer messages go in several. */
    static final int FRAME_BYTES = 64 * 1024;
    private static final SecureRandom MASKS = new SecureRandom();

    private final Vertx vertx;
    private final Context context;
    private final NetSocket socket;
    private final FrameReader reader = new FrameReader(WebSocketLimits.MAX_MESSAGE_BYTES, this);
    private Listener listener;
    // Guarded by this.
    private boolean closeSent;
    private boolean ended;
    private long closingTimer = -1;
    /** Sends that wait for the connection's write queue to drain. */
    private final java.util.List<Promise<Void>> waitingForDrain = new java.util.ArrayList<>();

    /** Made on the connection's event loop. */
    ClientConnection(Vertx vertx, NetSocket socket) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.socket = socket;
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
        socket.handler(reader::read);
        socket.exceptionHandler(error -> socket.close());
        socket.drainHandler(v -> drained());
        socket.closeHandler(v -> {
            ended(WebSocketLimits.ABNORMAL, "");
            drained();
        });
    }

    /**
     * Sends a message. The future completes once the connection's write queue is below its
     * high-water mark again (an upgraded HTTP connection does not complete a write's own
     * future), or the connection is gone.
     */
    @Override
    public Future<Void> send(WebSocketMessage message) {
        Buffer frames = switch (message) {
            case WebSocketMessage.Text t -> frames(FrameReader.TEXT, t.text().getBytes(StandardCharsets.UTF_8));
            case WebSocketMessage.Binary b -> frames(FrameReader.BINARY, b.bytes());
        };
        Promise<Void> taken = Promise.promise();
        synchronized (this) {
            // Under the lock, so that no data frame follows a close frame.
            if (closeSent || ended) {
                return Future.succeededFuture();
            }
            socket.write(frames);
            waitingForDrain.add(taken);
        }
        if (!socket.writeQueueFull()) {
            drained();
        }
        return taken.future();
    }

    /** Completes the sends that waited for the write queue, unless it is full again. */
    private void drained() {
        java.util.List<Promise<Void>> done;
        synchronized (this) {
            if (waitingForDrain.isEmpty() || !ended && socket.writeQueueFull()) {
                return;
            }
            done = new java.util.ArrayList<>(waitingForDrain);
            waitingForDrain.clear();
        }
        done.forEach(Promise::tryComplete);
    }

    @Override
    public void close(int code, String reason) {
        if (code == WebSocketLimits.ABNORMAL) {
            synchronized (this) {
                closeSent = true;
            }
            socket.close();
            return;
        }
        if (sendClose(code, reason)) {
            long timer = vertx.setTimer(CLOSING_TIMEOUT_MS, id -> socket.close());
            synchronized (this) {
                if (ended) {
                    vertx.cancelTimer(timer);
                } else {
                    closingTimer = timer;
                }
            }
        }
    }

    /** Sends a close frame unless one was sent; whether this call sent it. */
    private synchronized boolean sendClose(int code, String reason) {
        if (closeSent) {
            return false;
        }
        closeSent = true;
        byte[] payload;
        if (code == WebSocketLimits.NO_STATUS) {
            payload = new byte[0];
        } else {
            byte[] text = clippedReason(reason);
            payload = new byte[2 + text.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
        }
        socket.write(frame(FrameReader.CLOSE, payload));
        return true;
    }

    /** A reason's UTF-8, cut at a character's end to fit a control frame (123 bytes after the code). */
    static byte[] clippedReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 123) {
            return bytes;
        }
        int end = 123;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    /** Called on the connection's event loop, by whoever takes its messages. */
    @Override
    public void pause() {
        reader.pause();
        socket.pause();
    }

    @Override
    public void resume() {
        context.runOnContext(v -> {
            reader.resume();
            // The frames that waited may have filled the reader's side again.
            if (!reader.paused()) {
                socket.resume();
            }
        });
    }

    @Override
    public synchronized boolean isClosed() {
        return ended || closeSent;
    }

    @Override
    public void message(WebSocketMessage message) {
        listener.message(message);
    }

    @Override
    public void ping(byte[] payload) {
        // A server that does not read its pongs gets no more of them, rather than have them pile up here.
        if (!socket.writeQueueFull()) {
            socket.write(frame(FrameReader.PONG, payload));
        }
    }

    @Override
    public void closeReceived(int code, String reason) {
        sendClose(code, reason);
        socket.end();
        ended(code, reason);
    }

    @Override
    public void failed(int code, String reason) {
        sendClose(code, reason);
        socket.end();
        ended(code, reason);
    }

    private void ended(int code, String reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            if (closingTimer >= 0) {
                vertx.cancelTimer(closingTimer);
            }
        }
        listener.closed(code, reason);
    }

    /**
     * A message as frames of at most {@link #FRAME_BYTES} each, so that a server whose frame
     * limit is that small (Vert.x's default) takes messages up to the message limit.
     */
    static Buffer frames(int opcode, byte[] payload) {
        if (payload.length <= FRAME_BYTES) {
            return frame(opcode, true, payload, 0, payload.length);
        }
        Buffer all = Buffer.buffer(payload.length + (payload.length / FRAME_BYTES + 1) * 14);
        for (int at = 0; at < payload.length; at += FRAME_BYTES) {
            int end = Math.min(payload.length, at + FRAME_BYTES);
            all.appendBuffer(frame(at == 0 ? opcode : FrameReader.CONTINUATION, end == payload.length, payload, at, end));
        }
        return all;
    }

    static Buffer frame(int opcode, byte[] payload) {
        return frame(opcode, true, payload, 0, payload.length);
    }

    /** One frame of {@code opcode} carrying {@code payload[from, to)}, masked with a fresh key. */
    private static Buffer frame(int opcode, boolean fin, byte[] payload, int from, int to) {
        int length = to - from;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] out = new byte[header + 4 + length];
        out[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            out[1] = (byte) (0x80 | length);
        } else if (length <= 0xFFFF) {
            out[1] = (byte) (0x80 | 126);
            out[2] = (byte) (length >> 8);
            out[3] = (byte) length;
        } else {
            out[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) ((long) length >> (56 - 8 * i));
            }
        }
        byte[] mask = new byte[4];
        MASKS.nextBytes(mask);
        System.arraycopy(mask, 0, out, header, 4);
        for (int i = 0; i < length; i++) {
            out[header + 4 + i] = (byte) (payload[from + i] ^ mask[i & 3]);
        }
        return Buffer.buffer(out);
    }
}
