package dev.tenantd.store.sqlite;

import dev.tenantd.platform.d1.D1Catalogue;
import dev.tenantd.platform.d1.D1CatalogueContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The embedded D1 catalogue passes the catalogue contract, next to the platform store in tenantd.db. */
class SqliteD1CatalogueTest extends D1CatalogueContract {
    @TempDir
    Path dir;
    private SqliteD1Catalogue open;

    @Override
    protected D1Catalogue catalogue() {
        if (open == null) {
            // the platform store migrates the same file first, as at start-up
            SqliteStore.open(dir).close();
            open = SqliteD1Catalogue.open(dir);
        }
        return open;
    }

    @Override
    protected D1Catalogue reopen() {
        if (open != null) {
            open.close();
        }
        open = SqliteD1Catalogue.open(dir);
        return open;
    }

    @AfterEach
    void close() {
        if (open != null) {
            open.close();
        }
    }
}
