package dev.tenantd.platform.kv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a key listing, in the byte order of the keys' UTF-8 form. The listing is
 * complete when there is no cursor; otherwise the cursor asks for the page after this one.
 */
public record KvPage(List<KvKey> keys, Optional<String> cursor) {
    public KvPage {
        keys = List.copyOf(keys);
        Objects.requireNonNull(cursor, "cursor");
    }

    public boolean listComplete() {
        return cursor.isEmpty();
    }
}
