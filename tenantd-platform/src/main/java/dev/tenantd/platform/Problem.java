package dev.tenantd.platform;

/** Every kind of refusal the platform reports; the API maps each to an HTTP status and a Cloudflare code. */
public enum Problem {
    ACCOUNT_NOT_FOUND,
    NAMESPACE_NOT_FOUND,
    NAMESPACE_EXISTS,
    SCRIPT_NOT_FOUND,
    VERSION_NOT_FOUND,
    SECRET_NOT_FOUND,
    INVALID_NAME,
    INVALID_SCRIPT,
    SCRIPT_TOO_LARGE,
    INVALID_METADATA,
    INVALID_BINDING,
    INVALID_REQUEST,
    UNAUTHORIZED,
    CONFLICT,
    /** A write failed because a file system or the database is full. */
    STORAGE_FULL,
    /** Stored data no longer is what was written (a blob whose content does not match its hash). */
    STORAGE_DAMAGED,
    /** A store is too busy to take the request now; the same request may succeed later. */
    OVERLOADED
}
