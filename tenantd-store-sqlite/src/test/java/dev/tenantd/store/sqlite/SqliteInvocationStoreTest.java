package dev.tenantd.store.sqlite;

import dev.tenantd.platform.observability.InvocationStoreContract;
import dev.tenantd.platform.store.InvocationStore;
import java.nio.file.Path;

class SqliteInvocationStoreTest extends InvocationStoreContract {
    @Override
    protected InvocationStore open(Path dir) {
        return SqliteInvocationStore.open(dir, 2);
    }
}
