package dev.tenantd.platform;

import java.util.List;

/** A named script and the version that serves it. */
public record Script(String id, ScriptRef ref, String createdOn, String modifiedOn, List<String> tags,
        ScriptVersion current) {
    public Script {
        tags = List.copyOf(tags);
    }
}
