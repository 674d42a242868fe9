package dev.tenantd.platform.kv;

import java.util.Optional;

/** When a written entry expires, as the writer asked: never, at a time, or after a number of seconds. */
public sealed interface KvExpiry {

    /** The entry stays until it is deleted or overwritten. */
    record Never() implements KvExpiry {
    }

    /** Expires at {@code epochSeconds}, which must be at least 60 seconds away. */
    record At(long epochSeconds) implements KvExpiry {
    }

    /** Expires {@code seconds} (at least 60) after the write. */
    record Ttl(long seconds) implements KvExpiry {
    }

    KvExpiry NEVER = new Never();

    /**
     * Reads {@code expiration} and {@code expiration_ttl} as sent in a query string or bulk
     * entry; when both are given the TTL counts, as in Cloudflare's API.
     */
    static KvExpiry fromStrings(Optional<String> expiration, Optional<String> expirationTtl) {
        if (expirationTtl.isPresent()) {
            return new Ttl(parse(expirationTtl.get(), KvProblem.INVALID_EXPIRATION_TTL, "expiration_ttl",
                    "Please specify integer greater than 0."));
        }
        if (expiration.isPresent()) {
            return new At(parse(expiration.get(), KvProblem.INVALID_EXPIRATION, "expiration",
                    "Please specify integer greater than the current number of seconds since the UNIX epoch."));
        }
        return NEVER;
    }

    private static long parse(String text, KvProblem problem, String name, String hint) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new KvException(problem, "Invalid " + name + " of " + text + ". " + hint);
        }
    }
}
