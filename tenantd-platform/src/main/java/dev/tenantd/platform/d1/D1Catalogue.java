package dev.tenantd.platform.d1;

import java.util.List;
import java.util.Optional;

/**
 * The list of D1 databases per account. Every lookup names the account, so one account's
 * id never reaches another account's database. Implementations make each method atomic
 * and keep names unique per account in the database itself (a unique key), not in memory.
 * {@code D1CatalogueContract} in this module's tests is what every implementation passes.
 */
public interface D1Catalogue {

    /**
     * Records a new database; empty when the account already has one of that name. A
     * {@link D1Exception} of {@link D1Exception.Kind#TOO_MANY} when the account already has
     * {@code maxPerAccount} databases, counted in the same atomic step as the insert.
     */
    Optional<D1Database> create(D1Database database, int maxPerAccount);

    /** Records a new database with no limit on the account's number of them. */
    default Optional<D1Database> create(D1Database database) {
        return create(database, Integer.MAX_VALUE);
    }

    /** The account's databases, oldest first. */
    List<D1Database> list(String accountId);

    Optional<D1Database> byId(String accountId, String uuid);

    Optional<D1Database> byName(String accountId, String name);

    /** Whether any account has a database of this id (for the files a start finds: those of none are left over). */
    boolean exists(String uuid);

    /** Removes a database from the catalogue; false when the account has no such database. */
    boolean delete(String accountId, String uuid);
}
