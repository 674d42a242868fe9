package dev.tenantd.platform.store;

import dev.tenantd.platform.Script;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which scripts of a namespace a list asks for, and which window of them: names starting with
 * a prefix, scripts carrying every required tag and none of the excluded ones, ordered by
 * creation (then name), {@code limit} of them after the first {@code offset}.
 */
public record ScriptQuery(Optional<String> namePrefix, List<String> requiredTags, List<String> excludedTags,
        int offset, int limit) {

    public ScriptQuery {
        Objects.requireNonNull(namePrefix, "namePrefix");
        requiredTags = List.copyOf(requiredTags);
        excludedTags = List.copyOf(excludedTags);
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
    }

    /** Every script, in one window. */
    public static ScriptQuery all() {
        return new ScriptQuery(Optional.empty(), List.of(), List.of(), 0, Integer.MAX_VALUE);
    }

    /** Whether a script passes the name and tag conditions (the window aside). */
    public boolean matches(Script s) {
        return namePrefix.map(p -> s.ref().name().startsWith(p)).orElse(true)
                && s.tags().containsAll(requiredTags)
                && excludedTags.stream().noneMatch(s.tags()::contains);
    }
}
