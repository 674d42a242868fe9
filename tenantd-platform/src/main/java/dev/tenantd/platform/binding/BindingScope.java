package dev.tenantd.platform.binding;

import dev.tenantd.platform.ScriptRef;
import java.util.Objects;

/**
 * Whose binding it is: the account (a binding never reaches another account's resources)
 * and the script that holds it.
 */
public record BindingScope(String accountId, ScriptRef script) {
    public BindingScope {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(script, "script");
    }
}
