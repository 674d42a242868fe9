package dev.tenantd.platform;

import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.platform.store.AccountStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Accounts and the API tokens that grant access to them. */
public final class Accounts {
    private final AccountStore store;

    Accounts(AccountStore store) {
        this.store = store;
    }

    public Account account(String accountId) {
        return store.account(accountId).orElseThrow(() -> new PlatformException(Problem.ACCOUNT_NOT_FOUND,
                "Account '" + accountId + "' does not exist on this server."));
    }

    public List<Account> all() {
        return store.accounts();
    }

    /** The account an API token grants access to. */
    public Optional<String> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return store.tokenAccount(BlobStore.sha256(token.getBytes(StandardCharsets.UTF_8)));
    }
}
