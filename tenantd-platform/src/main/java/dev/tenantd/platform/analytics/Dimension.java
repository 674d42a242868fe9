package dev.tenantd.platform.analytics;

/** What analytics can group and filter by; each is a column or an expression over one. */
public enum Dimension {
    /** The minute's start (the aggregates' finest time). */
    DATETIME_MINUTE,
    DATETIME_FIVE_MINUTES,
    DATETIME_FIFTEEN_MINUTES,
    DATETIME_HOUR,
    /** The UTC day's start. */
    DATE,
    SCRIPT_NAME,
    /** The dispatch namespace's name; empty for a script outside any namespace. */
    DISPATCH_NAMESPACE_NAME,
    /** Cloudflare's invocation status: {@code success}, {@code scriptThrewException}, {@code exceededResources}, ... */
    STATUS,
    /** tenantd's outcome of the invocation ({@code ok}, {@code exception}, {@code exceededCpu}, ...). */
    OUTCOME,
    /** The HTTP status of the response (0: none). */
    HTTP_STATUS;

    /** The time dimensions, whose values are milliseconds since the epoch. */
    public boolean isTime() {
        return ordinal() <= DATE.ordinal();
    }
}
