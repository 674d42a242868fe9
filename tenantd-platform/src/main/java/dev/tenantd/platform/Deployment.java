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

    public Deployment {
        Objects.requireNonNull(id, "id");
        versions = List.copyOf(versions);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a deployment needs at least one version");
        }
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
