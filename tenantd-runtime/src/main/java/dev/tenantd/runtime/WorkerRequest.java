package dev.tenantd.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request as it crosses into or out of an isolate: headers as a flat
 * list of name, value pairs (names lower-case), body as bytes, and {@code cf}: the
 * request's {@code request.cf} object as JSON, or empty when it has none.
 *
 * @param stream a body that arrives in chunks as it is read; {@code body} is then empty.
 *               Whoever takes the request reads it to the end or cancels it.
 * @param redirect what a {@code fetch()} of it does with a redirect: a worker's own request says,
 *                 by its {@code redirect} option; any other is {@link Redirect#MANUAL}, as the
 *                 requests a worker is given are in Workers.
 */
public record WorkerRequest(String method, String url, List<String> headers, byte[] body, String cf,
        Optional<BodyStream> stream, Redirect redirect) {
    private static final byte[] EMPTY = new byte[0];

    /** A request's redirect mode (the Fetch standard's {@code RequestRedirect}). */
    public enum Redirect {
        /** Redirects are followed, up to a limit; the answer is the last one's. */
        FOLLOW,
        /** A redirect is the answer. */
        MANUAL,
        /** A redirect fails the fetch. */
        ERROR;

        /** The mode a worker's option names: {@code "follow"}, {@code "error"}; anything else is manual. */
        public static Redirect of(String option) {
            return switch (option) {
                case "follow" -> FOLLOW;
                case "error" -> ERROR;
                default -> MANUAL;
            };
        }
    }

    public WorkerRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(redirect, "redirect");
        headers = List.copyOf(headers);
        body = body == null ? EMPTY : body;
        cf = cf == null ? "" : cf;
    }

    public WorkerRequest(String method, String url, List<String> headers, byte[] body, String cf) {
        this(method, url, headers, body, cf, Optional.empty(), Redirect.MANUAL);
    }

    /** A request whose body arrives in chunks from {@code stream}. */
    public static WorkerRequest streamed(String method, String url, List<String> headers, BodyStream stream, String cf) {
        return new WorkerRequest(method, url, headers, null, cf, Optional.of(stream), Redirect.MANUAL);
    }

    /** The same request with {@code cf} as its {@code cf} object. */
    public WorkerRequest withCf(String cf) {
        return new WorkerRequest(method, url, headers, body, cf, stream, redirect);
    }

    /** The same request with {@code redirect} as its redirect mode. */
    public WorkerRequest withRedirect(Redirect mode) {
        return new WorkerRequest(method, url, headers, body, cf, stream, mode);
    }

    /** The same request with {@code name} (lower case) set to {@code value} alone. */
    public WorkerRequest withHeader(String name, String value) {
        List<String> changed = new java.util.ArrayList<>(headers.size() + 2);
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            if (!headers.get(i).equalsIgnoreCase(name)) {
                changed.add(headers.get(i));
                changed.add(headers.get(i + 1));
            }
        }
        changed.add(name);
        changed.add(value);
        return new WorkerRequest(method, url, changed, body, cf, stream, redirect);
    }

    /** Lets go of the body without reading it: a streamed one is cancelled. */
    public void discardBody() {
        stream.ifPresent(BodyStream::cancel);
    }

    /** A request without a {@code cf} object. */
    public WorkerRequest(String method, String url, List<String> headers, byte[] body) {
        this(method, url, headers, body, "");
    }

    /** The same request without its {@code cf} object (for a worker that may not see it). */
    public WorkerRequest withoutCf() {
        return cf.isEmpty() ? this : withCf("");
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
