package dev.tenantd.platform.store;

import dev.tenantd.platform.Account;
import java.util.List;
import java.util.Optional;

/** Accounts and their API tokens, as stored. Every method is atomic. */
public interface AccountStore {
    Account ensureAccount(String id, String name);

    Optional<Account> account(String id);

    List<Account> accounts();

    /**
     * Stores an API token (by its SHA-256) for an account under {@code name}, as the only token of
     * that name: an earlier one (a token the server was started with before, for any account)
     * stops working.
     */
    void putToken(String accountId, String tokenSha256, String name);

    /** The account a token belongs to. */
    Optional<String> tokenAccount(String tokenSha256);
}
