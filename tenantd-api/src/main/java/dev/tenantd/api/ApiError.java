package dev.tenantd.api;

import dev.tenantd.platform.Problem;
import dev.tenantd.platform.kv.KvException;
import dev.tenantd.runtime.TenantdException;

/** An API refusal with its HTTP status and Cloudflare error code. */
public final class ApiError extends TenantdException {
    private final int status;
    private final int code;

    public ApiError(int status, int code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public int code() {
        return code;
    }

    /** The one table from platform problems to HTTP status and Cloudflare code. */
    public static ApiError of(Problem problem, String message) {
        return switch (problem) {
            case ACCOUNT_NOT_FOUND -> new ApiError(404, 7003, message);
            case NAMESPACE_NOT_FOUND -> new ApiError(404, 100119, message);
            case NAMESPACE_EXISTS -> new ApiError(409, 100120, message);
            case SCRIPT_NOT_FOUND -> new ApiError(404, 10007, message);
            case VERSION_NOT_FOUND -> new ApiError(404, 10223, message);
            case SECRET_NOT_FOUND -> new ApiError(404, 10056, message);
            case INVALID_NAME -> new ApiError(400, 10016, message);
            case INVALID_SCRIPT, INVALID_BINDING -> new ApiError(400, 10021, message);
            case SCRIPT_TOO_LARGE -> new ApiError(413, 10027, message);
            case INVALID_METADATA, INVALID_REQUEST -> new ApiError(400, 10014, message);
            case UNAUTHORIZED -> new ApiError(401, 10001, message);
            case CONFLICT -> new ApiError(409, 10409, message);
            case STORAGE_FULL -> new ApiError(507, 10507, message);
            case STORAGE_DAMAGED -> new ApiError(500, 10013, message);
            case OVERLOADED -> new ApiError(503, 10503, message);
        };
    }

    /** The one table from KV's refusals to HTTP status and Cloudflare code. */
    public static ApiError kv(KvException e) {
        String message = e.getMessage();
        return switch (e.problem()) {
            case NAMESPACE_NOT_FOUND -> new ApiError(404, 10013, message);
            case TITLE_EXISTS, TOO_MANY_NAMESPACES -> new ApiError(400, 10014, message);
            case INVALID_TITLE -> new ApiError(400, 10019, message);
            case KEY_NOT_FOUND -> new ApiError(404, 10009, message);
            case INVALID_KEY -> new ApiError(400, 10020, message);
            case KEY_TOO_LONG -> new ApiError(414, 10020, message);
            case VALUE_TOO_LARGE -> new ApiError(413, 10011, message);
            case METADATA_TOO_LARGE -> new ApiError(413, 10012, message);
            case INVALID_METADATA -> new ApiError(400, 10012, message);
            case INVALID_EXPIRATION, INVALID_EXPIRATION_TTL -> new ApiError(400, 10033, message);
            case INVALID_LIMIT, INVALID_CURSOR, TOO_MANY_KEYS, INVALID_REQUEST -> new ApiError(400, 10014, message);
            case NAMESPACE_FULL -> new ApiError(507, 10507, message);
            case OVERLOADED -> new ApiError(503, 10503, message);
        };
    }

    /** A failure that is the server's, not the request's; the log has the details. */
    public static ApiError internal() {
        return new ApiError(500, 10013, "An internal error occurred; the server log has the details.");
    }

    /** A GET of a KV key that does not exist (or has expired), worded as Cloudflare words it. */
    public static ApiError kvKeyNotFound() {
        return new ApiError(404, 10009, "get: 'key not found'");
    }

    /** A KV request body beyond what KV takes in one request. */
    public static ApiError kvBodyTooLarge(long limitBytes) {
        return new ApiError(413, 10011, "The request body is larger than KV accepts in one request (" + limitBytes + " bytes).");
    }

    /** A body that must be JSON of a given shape and is not. */
    /** A dispatch namespace body field with a value it cannot take. */
    public static ApiError invalidNamespaceField(String message) {
        return new ApiError(400, 10014, message);
    }

    public static ApiError invalidJsonBody(String what) {
        return new ApiError(400, 10014, what);
    }

    /** A query parameter that is not what the endpoint takes. */
    public static ApiError invalidQuery(String name, String value, String expected) {
        return new ApiError(400, 10014, "Invalid " + name + " '" + value + "': " + expected + ".");
    }

    public static ApiError missingAuth() {
        return new ApiError(401, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers. "
                + "Send 'Authorization: Bearer <token>'.");
    }

    public static ApiError badAuth() {
        return new ApiError(403, 10000, "Authentication error: the API token is not valid.");
    }

    public static ApiError wrongAccount(String accountId) {
        return new ApiError(403, 9109, "Unauthorized to access requested resource: the API token has no access to account '"
                + accountId + "'.");
    }

    public static ApiError noRoute(String method, String path) {
        return new ApiError(404, 7000, "No route for that URI: " + method + " " + path);
    }

    public static ApiError assetBodyTooLarge(long limit) {
        return new ApiError(413, 10027, "The asset upload is larger than " + limit + " bytes: one asset file of at most "
                + "25 MiB, base64 encoded, is sent per request.");
    }

    public static ApiError bodyTooLarge(long scriptSizeBytes) {
        return new ApiError(413, 10027, "The request body is larger than the " + scriptSizeBytes
                + "-byte script size limit, the most any request to the API but a script upload may carry.");
    }

    public static ApiError uploadTooLarge(long uncompressedBytes, long scriptSizeBytes) {
        return new ApiError(413, 10027, "The upload is larger than " + uncompressedBytes + " bytes, the most an upload may "
                + "be before compression (the script size limit is " + scriptSizeBytes + " bytes after gzip compression).");
    }

    /** The bodies held in memory at once fill what the server sets aside for them. */
    public static ApiError bodiesBusy(String refusal) {
        return new ApiError(503, 10503, refusal);
    }

    public static ApiError tooManyParts(int maxParts) {
        return new ApiError(400, 10014, "The multipart body has more than " + maxParts + " parts, the most an upload may have.");
    }

    public static ApiError partGivenTwice(String name) {
        return new ApiError(400, 10014, "The multipart body has two parts named '" + name + "': send each part once.");
    }

    public static ApiError moduleGivenTwice(String name) {
        return new ApiError(400, 10014, "Two parts of the upload are module '" + name + "': send each module once.");
    }

    public static ApiError unreadableMultipart(String why) {
        return new ApiError(400, 10014, "The multipart body could not be read: " + why);
    }

    public static ApiError invalidPathSegment(String segment, String why) {
        return new ApiError(400, 10016, "Invalid name in the URL path ('" + segment + "'): " + why
                + ". Names of scripts, namespaces and the like are single path segments without dots of their own.");
    }

    public static ApiError notSupported(String what) {
        return new ApiError(501, 10501, "not supported by tenantd: " + what);
    }

    /** A request that is not HTTP the server can read: a path with a broken %-escape, a header without a colon. */
    public static ApiError malformedRequest(String message) {
        return new ApiError(400, 10014, message);
    }

    /** A request whose headers or body did not arrive in time; the connection closes after it. */
    public static ApiError requestTimeout(String message) {
        return new ApiError(408, 10408, message);
    }

    public static ApiError uriTooLong(String message) {
        return new ApiError(414, 10414, message);
    }

    public static ApiError headersTooLarge(String message) {
        return new ApiError(431, 10431, message);
    }

    /** One client address holds as many connections as it may. */
    public static ApiError tooManyConnectionsFromAddress(String message) {
        return new ApiError(429, 10429, message);
    }

    /** The listener holds as many connections as it may. */
    public static ApiError tooManyConnections(String message) {
        return new ApiError(503, 10503, message);
    }

    /** A D1 database id or name the account does not have. */
    public static ApiError d1NotFound(String message) {
        return new ApiError(404, 7404, message);
    }

    /** {@code wrangler d1 create} branches on code 7502. */
    public static ApiError d1NameTaken(String message) {
        return new ApiError(409, 7502, message);
    }

    /** The account has as many D1 databases as it may have; {@code wrangler d1 create} branches on code 7406. */
    public static ApiError d1TooMany(String message) {
        return new ApiError(400, 7406, message);
    }

    /** SQL that SQLite refused or that failed, in D1's words ({@code no such table: x: SQLITE_ERROR}). */
    public static ApiError d1QueryFailed(String message) {
        return new ApiError(400, 7500, message);
    }

    /** A D1 request that is not well formed: a bad name, bad parameters, a missing field. */
    /** A page, per_page, cursor or limit query parameter that cannot be used. */
    public static ApiError badPaging(String message) {
        return new ApiError(400, 10014, message);
    }

    public static ApiError d1BadRequest(String message) {
        return new ApiError(400, 7400, message);
    }

    /** Too many queries wait for the database; the client may retry. */
    public static ApiError d1Busy(String message) {
        return new ApiError(503, 7429, message);
    }

    /** An SQL file for import larger than the operator allows. */
    public static ApiError d1ImportTooLarge(long maxBytes) {
        return new ApiError(413, 7413, "The SQL file is larger than " + maxBytes + " bytes, the most this server imports "
                + "at once; split it into smaller files.");
    }

    /** An invocation record the account does not have (never stored, or removed by retention). */
    public static ApiError invocationNotFound(String id) {
        return new ApiError(404, 10404, "No invocation record '" + id + "' in this account: it was never recorded "
                + "or is older than the server's retention.");
    }

    /** A query parameter the invocations endpoint does not take. */
    public static ApiError unknownInvocationFilter(String name) {
        return new ApiError(400, 10014, "Unknown query parameter '" + name + "': the invocation filters are namespace, "
                + "script, tag, outcome, status, since, until, q, request_id, limit and cursor.");
    }

    /** An {@code observability} block of upload metadata or settings that is not valid. */
    public static ApiError invalidObservability(String message) {
        return new ApiError(400, 10021, message);
    }

    public static ApiError invalidSourceMap(String part, String problem) {
        return new ApiError(400, 10021, "Part '" + part + "' is not a usable source map: " + problem
                + ". Upload the Source Map v3 your bundler wrote (a JSON object with version 3, mappings and sources), "
                + "or leave the part out.");
    }

    /** This error as the body of a response: Cloudflare's envelope. */
    public String envelopeJson() {
        return Envelope.errorBody(this).toString();
    }
}
