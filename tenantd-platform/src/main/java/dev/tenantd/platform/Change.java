package dev.tenantd.platform;

import java.util.Objects;

/**
 * What a command changed, told to the {@link Directory} so that it drops what it cached.
 * Events name what changed, not its new state, so that another node can receive the same
 * events (from the database) and invalidate its own directory.
 */
public sealed interface Change {

    /** A script was created, changed (a version, a deployment, tags, settings) or deleted. */
    record Script(ScriptRef ref) implements Change {
        public Script {
            Objects.requireNonNull(ref);
        }
    }

    /** A namespace was created, renamed, changed or deleted; {@code name} is a name it had or has. */
    record Namespace(String accountId, String name, String namespaceId) implements Change {
        public Namespace {
            Objects.requireNonNull(accountId);
            Objects.requireNonNull(name);
            Objects.requireNonNull(namespaceId);
        }
    }

    /** A namespace was deleted with every script in it. */
    record NamespaceDeleted(String accountId, String name, String namespaceId) implements Change {
        public NamespaceDeleted {
            Objects.requireNonNull(accountId);
            Objects.requireNonNull(name);
            Objects.requireNonNull(namespaceId);
        }
    }
}
