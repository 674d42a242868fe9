package dev.tenantd.runtime;

import java.util.List;
import java.util.Objects;

/**
 * An HTTP request as it crosses into or out of an isolate: headers as a flat
 * list of name, value pairs (names lower-case), body as bytes, and {@code cf}: the
 * request's {@code request.cf} object as JSON, or empty when it has none.
 */
public record WorkerRequest(String method, String url, List<String> headers, byte[] body, String cf) {
    private static final byte[] EMPTY = new byte[0];

    public WorkerRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        headers = List.copyOf(headers);
        body = body == null ? EMPTY : body;
        cf = cf == null ? "" : cf;
    }

    /** A request without a {@code cf} object. */
    public WorkerRequest(String method, String url, List<String> headers, byte[] body) {
        this(method, url, headers, body, "");
    }

    /** The same request without its {@code cf} object (for a worker that may not see it). */
    public WorkerRequest withoutCf() {
        return cf.isEmpty() ? this : new WorkerRequest(method, url, headers, body, "");
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
