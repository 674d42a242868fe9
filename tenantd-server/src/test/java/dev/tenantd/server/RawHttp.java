package dev.tenantd.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client written against the socket, so a test can send what hostile clients
 * send (half a header line, part of a body, nothing at all) from a chosen loopback address.
 */
final class RawHttp implements AutoCloseable {
    /** Long enough for a busy machine; a read that waits this long means the server kept the connection. */
    static final int PATIENCE_MS = 60_000;

    record Response(int status, Map<String, String> headers, String body) {
    }

    /** How a connection ended: what the server sent before closing it, and whether it reset it. */
    record Ending(String received, boolean reset) {
    }

    private final Socket socket;
    private final InputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Connects to 127.0.0.1:{@code port} from {@code fromAddress} (any 127.x.y.z address is loopback on Linux). */
    static RawHttp connect(int port, String fromAddress) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), PATIENCE_MS);
        socket.setSoTimeout(PATIENCE_MS);
        return new RawHttp(socket);
    }

    static RawHttp connect(int port) throws IOException {
        return connect(port, "127.0.0.1");
    }

    /** Connects with a small receive buffer, so a response the test does not read stays with the server. */
    static RawHttp connectWithSmallReceiveBuffer(int port, String fromAddress) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(16 * 1024);
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), PATIENCE_MS);
        socket.setSoTimeout(PATIENCE_MS);
        return new RawHttp(socket);
    }

    RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Sends a whole GET for {@code host}{@code path} on a kept-alive connection. */
    RawHttp get(String host, String path) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    /** Reads only the status line of the next response, leaving its headers and body unread. */
    String statusLine() throws IOException {
        return line();
    }

    /** Reads one response (its body by Content-Length). */
    Response response() throws IOException {
        String statusLine = line();
        if (statusLine.isEmpty()) {
            throw new IOException("the connection ended before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** A response's status and how many bytes of its body arrived before it ended or the connection did. */
    record Download(int status, long contentLength, long received) {
    }

    /** Reads one response, {@code chunk} bytes of its body at a time with a pause after each (so at most chunk/pause). */
    Download download(int chunk, long pauseMs) throws IOException, InterruptedException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = 0;
        for (String line = line(); !line.isEmpty(); line = line()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        byte[] buf = new byte[chunk];
        long received = 0;
        try {
            while (received < length) {
                int n = in.readNBytes(buf, 0, (int) Math.min(chunk, length - received));
                received += n;
                if (n < Math.min(chunk, length - received + n)) {
                    break;
                }
                Thread.sleep(pauseMs);
            }
        } catch (SocketException reset) {
            // the server ended the connection; what arrived before counts
        }
        return new Download(status, length, received);
    }

    /**
     * Reads until the server closes the connection (end of stream or a reset). Fails the test
     * if the server keeps it open for {@link #PATIENCE_MS}.
     */
    Ending untilClosed() throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n != -1; n = in.read(buf)) {
                received.write(buf, 0, n);
            }
            return new Ending(received.toString(StandardCharsets.UTF_8), false);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + PATIENCE_MS + " ms; received: "
                    + received.toString(StandardCharsets.UTF_8), e);
        } catch (SocketException e) {
            return new Ending(received.toString(StandardCharsets.UTF_8), true);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
