package dev.tenantd.platform;

import java.util.Objects;
import java.util.Optional;

/**
 * Names a script: in a dispatch namespace (a user worker) or, with no namespace,
 * a plain worker of the account (a dispatch worker, an outbound worker, ...).
 */
public record ScriptRef(String accountId, String namespaceId, String name) {
    public static final String PLAIN = "";

    public ScriptRef {
        Objects.requireNonNull(accountId);
        Objects.requireNonNull(namespaceId);
        Objects.requireNonNull(name);
    }

    public static ScriptRef plain(String accountId, String name) {
        return new ScriptRef(accountId, PLAIN, name);
    }

    public Optional<String> namespace() {
        return namespaceId.isEmpty() ? Optional.empty() : Optional.of(namespaceId);
    }

    /** The account, namespace and name in one string that names no other script: a source's owner. */
    public String owner() {
        return accountId + '\0' + namespaceId + '\0' + name;
    }

    @Override
    public String toString() {
        return namespaceId.isEmpty() ? name : namespaceId + "/" + name;
    }
}
