package dev.tenantd.runtime;

import java.util.List;
import java.util.Objects;

/** An HTTP response as it crosses out of or into an isolate. */
public record WorkerResponse(int status, String statusText, List<String> headers, byte[] body) {
    private static final byte[] EMPTY = new byte[0];

    public WorkerResponse {
        Objects.requireNonNull(statusText, "statusText");
        headers = List.copyOf(headers);
        body = body == null ? EMPTY : body;
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
