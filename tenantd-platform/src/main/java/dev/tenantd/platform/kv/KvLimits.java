package dev.tenantd.platform.kv;

import java.nio.charset.StandardCharsets;

/** Workers KV's documented limits, and the checks that enforce them with KV's own messages. */
public final class KvLimits {
    public static final int MAX_KEY_BYTES = 512;
    public static final int MAX_VALUE_BYTES = 25 * 1024 * 1024;
    public static final int MAX_METADATA_BYTES = 1024;
    public static final int MIN_EXPIRATION_TTL_SECONDS = 60;
    /** The latest expiration a key may have: the last second of the year 9999 (UTC), in seconds since the epoch. */
    public static final long MAX_EXPIRATION_EPOCH_SECONDS = 253_402_300_799L;
    public static final int MAX_LIST_LIMIT = 1000;
    public static final int MAX_KEYS_PER_GET = 100;
    /** Entries of one bulk write, as Cloudflare's REST API allows. */
    public static final int MAX_BULK_ENTRIES = 10_000;
    public static final int MAX_TITLE_LENGTH = 512;

    private KvLimits() {
    }

    /**
     * Refuses a key KV cannot store: empty, "." or "..", not text UTF-8 can encode (a lone
     * surrogate, which would be stored as '?', the name of another key), or longer than 512
     * bytes of UTF-8.
     */
    public static void checkKey(String key) {
        if (key.isEmpty()) {
            throw new KvException(KvProblem.INVALID_KEY, "Key names must not be empty.");
        }
        if (!wellFormed(key)) {
            throw new KvException(KvProblem.INVALID_KEY, "Key names must be valid Unicode text: this one has a lone "
                    + "surrogate (\\ud800-\\udfff without its pair), which UTF-8 cannot encode.");
        }
        if (key.equals(".") || key.equals("..")) {
            throw new KvException(KvProblem.INVALID_KEY, "Illegal key name \"" + key + "\". Please use a different name.");
        }
        checkKeyLength(key);
    }

    /** Whether every surrogate of {@code text} is one of a pair. */
    static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Refuses a key (or a list prefix) longer than 512 bytes of UTF-8. */
    public static void checkKeyLength(String key) {
        int length = key.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_KEY_BYTES) {
            throw new KvException(KvProblem.KEY_TOO_LONG, "UTF-8 encoded length of " + length
                    + " exceeds key length limit of " + MAX_KEY_BYTES + ".");
        }
    }

    public static void checkValue(long length) {
        if (length > MAX_VALUE_BYTES) {
            throw new KvException(KvProblem.VALUE_TOO_LARGE, "Value length of " + length
                    + " exceeds limit of " + MAX_VALUE_BYTES + ".");
        }
    }

    public static void checkMetadata(String json) {
        int length = json.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_METADATA_BYTES) {
            throw new KvException(KvProblem.METADATA_TOO_LARGE, "Metadata length of " + length
                    + " exceeds limit of " + MAX_METADATA_BYTES + ".");
        }
    }

    /** A list's page size: 1 to 1000. */
    public static int checkLimit(long limit) {
        if (limit < 1) {
            throw new KvException(KvProblem.INVALID_LIMIT, "Invalid key_count_limit of " + limit
                    + ". Please specify an integer greater than 0.");
        }
        if (limit > MAX_LIST_LIMIT) {
            throw new KvException(KvProblem.INVALID_LIMIT, "Invalid key_count_limit of " + limit
                    + ". Please specify an integer less than or equal to " + MAX_LIST_LIMIT + ".");
        }
        return (int) limit;
    }

    /** A namespace title: 1 to 512 characters, none of them a control character. */
    public static String checkTitle(String title) {
        if (title.isBlank()) {
            throw new KvException(KvProblem.INVALID_TITLE, "A namespace title must not be empty: send {\"title\": \"my-namespace\"}.");
        }
        if (title.length() > MAX_TITLE_LENGTH) {
            throw new KvException(KvProblem.INVALID_TITLE, "A namespace title is at most " + MAX_TITLE_LENGTH
                    + " characters; this one has " + title.length() + ".");
        }
        if (title.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new KvException(KvProblem.INVALID_TITLE, "A namespace title must not contain control characters.");
        }
        return title;
    }
}
