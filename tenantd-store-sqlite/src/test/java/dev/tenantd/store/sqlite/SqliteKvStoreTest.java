package dev.tenantd.store.sqlite;

import dev.tenantd.platform.kv.KvStore;
import dev.tenantd.platform.kv.KvStoreContract;
import java.nio.file.Path;

/** The KV store contract, on a real SQLite file. */
class SqliteKvStoreTest extends KvStoreContract {
    @Override
    protected KvStore open(Path dir) {
        return SqliteKvStore.open(dir, 2);
    }
}
