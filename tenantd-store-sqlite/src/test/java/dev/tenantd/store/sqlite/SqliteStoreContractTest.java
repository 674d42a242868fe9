package dev.tenantd.store.sqlite;

import dev.tenantd.platform.store.Store;
import dev.tenantd.platform.store.StoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store keeps the store contract. */
class SqliteStoreContractTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    protected Store open() {
        return SqliteStore.open(dir);
    }

    @Override
    protected Store reopen() {
        store.close();
        return SqliteStore.open(dir);
    }
}
