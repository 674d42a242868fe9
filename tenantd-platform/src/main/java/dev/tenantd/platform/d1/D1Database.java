package dev.tenantd.platform.d1;

import java.util.Objects;

/**
 * A D1 database as the catalogue knows it: its id (a UUID, also the name of its SQLite
 * file), the account that owns it, its name (unique in the account) and when it was made.
 *
 * @param version always {@code production}: tenantd has no alpha databases
 */
public record D1Database(String uuid, String accountId, String name, String createdAt, String version) {
    public static final String PRODUCTION = "production";

    public D1Database {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(version, "version");
    }
}
