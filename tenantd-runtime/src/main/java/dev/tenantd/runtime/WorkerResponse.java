package dev.tenantd.runtime;

import dev.tenantd.runtime.websocket.WebSocketEnd;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP response as it crosses out of or into an isolate.
 *
 * @param url       where a {@code fetch()} got it from, after redirects and without fragment
 *                  ({@code Response.url}); empty for responses that come from no URL
 * @param redirects how many redirects the fetch followed ({@code Response.redirected} when above 0)
 * @param webSocket the WebSocket of a handshake response (status 101): the end its receiver talks to
 * @param stream    a body that arrives in chunks; {@code body} is then empty. Whoever takes the
 *                  response reads it to the end or cancels it.
 */
public record WorkerResponse(int status, String statusText, List<String> headers, byte[] body, String url,
        int redirects, Optional<WebSocketEnd> webSocket, Optional<BodyStream> stream) {
    private static final byte[] EMPTY = new byte[0];

    public WorkerResponse {
        Objects.requireNonNull(statusText, "statusText");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(webSocket, "webSocket");
        Objects.requireNonNull(stream, "stream");
        headers = List.copyOf(headers);
        body = body == null ? EMPTY : body;
    }

    public WorkerResponse(int status, String statusText, List<String> headers, byte[] body, String url, int redirects,
            Optional<WebSocketEnd> webSocket) {
        this(status, statusText, headers, body, url, redirects, webSocket, Optional.empty());
    }

    public WorkerResponse(int status, String statusText, List<String> headers, byte[] body, String url, int redirects) {
        this(status, statusText, headers, body, url, redirects, Optional.empty());
    }

    /** A response that comes from no URL (a worker's answer). */
    public WorkerResponse(int status, String statusText, List<String> headers, byte[] body) {
        this(status, statusText, headers, body, "", 0);
    }

    /** The same response, as fetched from {@code url} after {@code redirects} redirects. */
    public WorkerResponse fetchedFrom(String url, int redirects) {
        return new WorkerResponse(status, statusText, headers, body, url, redirects, webSocket, stream);
    }

    /** A response whose body arrives in chunks from {@code stream}. */
    public static WorkerResponse streamed(int status, String statusText, List<String> headers, BodyStream stream) {
        return new WorkerResponse(status, statusText, headers, null, "", 0, Optional.empty(), Optional.of(stream));
    }

    /** Lets go of the body without reading it: a streamed one is cancelled. */
    public void discardBody() {
        stream.ifPresent(BodyStream::cancel);
    }

    /** A handshake response (101) whose WebSocket is {@code end}. */
    public static WorkerResponse switchingProtocols(List<String> headers, WebSocketEnd end) {
        return new WorkerResponse(101, "Switching Protocols", headers, null, "", 0, Optional.of(end));
    }

    public static WorkerResponse text(int status, String text) {
        return new WorkerResponse(status, "", List.of("content-type", "text/plain;charset=UTF-8"),
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public java.util.Optional<String> header(String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                return java.util.Optional.of(headers.get(i + 1));
            }
        }
        return java.util.Optional.empty();
    }
}
