package dev.tenantd.server;

/** What a listener answers on its own, before or instead of its handler, and with which status. */
enum ListenerProblem {
    MALFORMED_REQUEST(400),
    REQUEST_TIMEOUT(408),
    URI_TOO_LONG(414),
    TOO_MANY_CONNECTIONS_FROM_ADDRESS(429),
    HEADERS_TOO_LARGE(431),
    TOO_MANY_CONNECTIONS(503);

    private final int status;

    ListenerProblem(int status) {
        this.status = status;
    }

    int status() {
        return status;
    }
}
