package dev.tenantd.platform.store;

/**
 * The platform's durable state, one interface per aggregate; a store implements them all.
 * Timestamps are RFC 3339 UTC.
 */
public interface Store extends AccountStore, NamespaceStore, ScriptStore, AutoCloseable {

    /**
     * Runs {@code work}, whose calls to this store form one change: if it throws, none of what it
     * stored is kept, and no other call sees part of it. Other writers wait meanwhile, so the work
     * does nothing but call the store.
     */
    <T> T atomically(java.util.function.Supplier<T> work);

    @Override
    void close();
}
