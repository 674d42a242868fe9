package dev.tenantd.platform.binding;

import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import java.util.Objects;
import java.util.Optional;

/**
 * Whose binding it is: the account (a binding never reaches another account's resources),
 * the script that holds it, and, once stored, the version it belongs to.
 */
public record BindingScope(String accountId, ScriptRef script, Optional<ScriptVersion> version) {
    public BindingScope {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(version, "version");
    }

    /** The scope of a binding being uploaded: no version yet. */
    public BindingScope(String accountId, ScriptRef script) {
        this(accountId, script, Optional.empty());
    }
}
