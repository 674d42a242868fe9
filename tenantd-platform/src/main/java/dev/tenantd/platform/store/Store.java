package dev.tenantd.platform.store;

/**
 * The platform's durable state, one interface per aggregate; a store implements them all.
 * Timestamps are RFC 3339 UTC.
 */
public interface Store extends AccountStore, NamespaceStore, ScriptStore, AutoCloseable {

    @Override
    void close();
}
