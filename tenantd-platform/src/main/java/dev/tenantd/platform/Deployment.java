package dev.tenantd.platform;

import java.util.List;
import java.util.Objects;

/**
 * Which versions of a script serve its requests, and in what shares: a
 * percentage split over one or more versions that adds up to 100. Every change
 * of what serves (an upload, a new deployment, a rollback, a secret change) is
 * a new deployment; the newest is active.
 *
 * @param message the {@code workers/message} annotation, or null
 * @param source  what made it, in Cloudflare's terms: {@code wrangler} or {@code api}
 */
public record Deployment(String id, String createdOn, List<Split> versions, String message, String source) {

    /** One version and the percentage of requests it serves. */
    public record Split(String versionId, double percentage) {
        public Split {
            Objects.requireNonNull(versionId, "versionId");
        }
    }

    /** The longest message kept, in UTF-8 bytes; a longer one is cut (as Cloudflare does). */
    public static final int MAX_MESSAGE_BYTES = 100;

    public Deployment {
        Objects.requireNonNull(id, "id");
        message = cut(message);
        versions = List.copyOf(versions);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a deployment needs at least one version");
        }
    }

    /** {@code message} cut to at most {@link #MAX_MESSAGE_BYTES} bytes of UTF-8, between characters. */
    static String cut(String message) {
        if (message == null || message.length() * 3 <= MAX_MESSAGE_BYTES) {
            return message;
        }
        int bytes = 0;
        int end = 0;
        while (end < message.length()) {
            int cp = message.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_MESSAGE_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return message.substring(0, end);
    }

    /** The version with the largest share (the first of equals): the one the script reports as current. */
    public String primaryVersionId() {
        Split best = versions.getFirst();
        for (Split s : versions) {
            if (s.percentage() > best.percentage()) {
                best = s;
            }
        }
        return best.versionId();
    }
}
