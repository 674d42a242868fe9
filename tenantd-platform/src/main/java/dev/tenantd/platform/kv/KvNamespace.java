package dev.tenantd.platform.kv;

import java.util.Objects;

/** A KV namespace: a map of keys to values owned by one account, known by its id and titled uniquely in the account. */
public record KvNamespace(String id, String accountId, String title) {
    public KvNamespace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(title, "title");
    }
}
