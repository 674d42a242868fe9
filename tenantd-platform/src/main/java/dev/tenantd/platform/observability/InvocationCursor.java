package dev.tenantd.platform.observability;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a page of invocations ended: the last record's time and its position in the store.
 * Clients see it only as an opaque token ({@link #token()}).
 */
public record InvocationCursor(long timeMillis, long position) {

    public String token() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((timeMillis + ":" + position).getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor a token stands for; empty when the token was not made by {@link #token()}. */
    public static Optional<InvocationCursor> parse(String token) {
        if (token.isEmpty() || token.length() > 64) {
            return Optional.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            int colon = text.indexOf(':');
            if (colon < 1) {
                return Optional.empty();
            }
            return Optional.of(new InvocationCursor(Long.parseLong(text.substring(0, colon)),
                    Long.parseLong(text.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
