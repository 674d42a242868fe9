package dev.tenantd.platform;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A named script, its active deployment and the versions that deployment serves.
 * {@code current} is the version with the largest share; {@code deployed} holds
 * every version of the deployment in its order. {@code settingsJson} holds the
 * script-level settings that are not part of a version (logpush, observability,
 * tail consumers, subdomain).
 */
public record Script(String id, ScriptRef ref, String createdOn, String modifiedOn, List<String> tags,
        ScriptVersion current, Deployment deployment, List<ScriptVersion> deployed, String settingsJson) {

    public Script {
        tags = List.copyOf(tags);
        deployed = List.copyOf(deployed);
    }

    /**
     * The script as one request sees it: with a split deployment, the version that
     * serves this request, chosen by the deployment's percentages.
     */
    public Script forRequest() {
        if (deployed.size() < 2) {
            return this;
        }
        double roll = ThreadLocalRandom.current().nextDouble(100.0);
        double sum = 0;
        for (Deployment.Split split : deployment.versions()) {
            sum += split.percentage();
            if (roll < sum) {
                return serving(split.versionId());
            }
        }
        return serving(deployment.versions().getLast().versionId());
    }

    private Script serving(String versionId) {
        if (current.id().equals(versionId)) {
            return this;
        }
        for (ScriptVersion v : deployed) {
            if (v.id().equals(versionId)) {
                return new Script(id, ref, createdOn, modifiedOn, tags, v, deployment, deployed, settingsJson);
            }
        }
        return this;
    }
}
