package dev.tenantd.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client written against the socket, so a test can send what real
 * clients send even where it breaks RFC 6455 (wrangler's unmasked first frame).
 */
final class RawWebSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The server's answer to the upgrade request. */
    record Handshake(int status, Map<String, String> headers, RawWebSocket socket) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Sends the upgrade request for {@code url} (ws://host:port/path) offering {@code subprotocol}. */
    static Handshake connect(String url, String subprotocol) throws IOException {
        URI uri = URI.create(url);
        return connect(url, subprotocol, uri.getHost() + ":" + uri.getPort());
    }

    /** The same with {@code host} as the Host header (a worker's name under .localhost, say). */
    static Handshake connect(String url, String subprotocol, String host) throws IOException {
        return connect(url, subprotocol, host, "");
    }

    /** The same with more header lines ({@code "Name: value\r\n"} each), as a browser sends them. */
    static Handshake connect(String url, String subprotocol, String host, String moreHeaders) throws IOException {
        return connect(url, subprotocol, host, moreHeaders, 0);
    }

    /** The same on a connection whose receive buffer is {@code receiveBufferBytes} (0: the system's). */
    static Handshake connect(String url, String subprotocol, String host, String moreHeaders, int receiveBufferBytes)
            throws IOException {
        URI uri = URI.create(url);
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()));
        socket.setSoTimeout(15_000);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n" + moreHeaders + "\r\n";
        RawWebSocket ws = new RawWebSocket(socket);
        ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String statusLine = ws.line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = ws.line(); !line.isEmpty(); line = ws.line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        if (status != 101) {
            socket.close();
        }
        return new Handshake(status, headers, ws);
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.US_ASCII);
    }

    /** A text frame without a mask, as wrangler sends its first one; RFC 6455 requires clients to mask. */
    void sendUnmaskedText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        writeFrame(TEXT, payload, false);
    }

    /** A text frame as a client must send it: masked. */
    void sendMaskedText(String text) throws IOException {
        writeFrame(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    void sendPing(String payload) throws IOException {
        writeFrame(PING, payload.getBytes(StandardCharsets.UTF_8), true);
    }

    private void writeFrame(int opcode, byte[] payload, boolean masked) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("test frames are short");
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        frame.write((masked ? 0x80 : 0) | payload.length);
        byte[] body = payload.clone();
        if (masked) {
            byte[] key = new byte[4];
            new SecureRandom().nextBytes(key);
            frame.writeBytes(key);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i % 4];
            }
        }
        frame.writeBytes(body);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next whole frame from the server (which never masks), or a CLOSE frame with no payload at end of stream. */
    Frame read() throws IOException {
        int first = in.read();
        if (first == -1) {
            return new Frame(CLOSE, new byte[0]);
        }
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** The next frame of the given kind, skipping others. */
    Frame readUntil(int opcode) throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == opcode || f.opcode() == CLOSE) {
                return f;
            }
        }
    }

    /**
     * Reads and drops whatever arrives until the connection ends: true when it ends (closed, or
     * reset), false when nothing arrives for the socket's read time-out while it stays open.
     */
    boolean drainsToItsEnd() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // dropped
            }
            return true;
        } catch (java.net.SocketTimeoutException open) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
