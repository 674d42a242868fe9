package dev.tenantd.platform.analytics;

import java.util.Objects;

/** A script as the aggregates name it: its namespace's name (empty outside one) and its name. */
public record ScriptKey(String namespace, String script) {
    public ScriptKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(script, "script");
    }
}
