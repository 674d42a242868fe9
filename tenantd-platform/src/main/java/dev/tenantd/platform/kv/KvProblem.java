package dev.tenantd.platform.kv;

/**
 * Why KV refused a request. {@code status} is the HTTP status KV itself answers with,
 * which a worker sees in messages such as {@code KV PUT failed: 413 ...}.
 */
public enum KvProblem {
    NAMESPACE_NOT_FOUND(404),
    TITLE_EXISTS(409),
    /** The account has as many namespaces as {@code [kv] namespaces-per-account} allows. */
    TOO_MANY_NAMESPACES(400),
    INVALID_TITLE(400),
    KEY_NOT_FOUND(404),
    /** An empty key, or "." or "..". */
    INVALID_KEY(400),
    KEY_TOO_LONG(414),
    VALUE_TOO_LARGE(413),
    METADATA_TOO_LARGE(413),
    INVALID_METADATA(400),
    INVALID_EXPIRATION(400),
    INVALID_EXPIRATION_TTL(400),
    INVALID_LIMIT(400),
    INVALID_CURSOR(400),
    TOO_MANY_KEYS(400),
    INVALID_REQUEST(400),
    /** A write would take the namespace past its size limit ({@code [kv] namespace-mb}). */
    NAMESPACE_FULL(507),
    /** The KV executor's queue is full. */
    OVERLOADED(503);

    private final int status;

    KvProblem(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
