package dev.tenantd.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * How every embedded database file is opened: WAL journal, normal sync, foreign keys
 * enforced, a 10 s busy timeout, and its schema migrated with Flyway before first use. A new
 * file is readable by its owner only.
 */
final class SqliteFiles {
    private SqliteFiles() {
    }

    /** The platform's own database, {@code tenantd.db} in {@code dataDir}, migrated. */
    static SQLiteDataSource tenantd(Path dataDir) throws Exception {
        return migrated(dataDir.resolve("tenantd.db"), "classpath:db/tenantd/sqlite", new DuplicateVersionNumbers());
    }

    /**
     * A data source for {@code file} (its directory created if needed) whose schema is migrated
     * from {@code migrations}, with {@code callbacks} around the migrations.
     */
    static SQLiteDataSource migrated(Path file, String migrations, Callback... callbacks) throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        dev.tenantd.platform.store.OwnerOnlyFiles.ensure(file);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(10_000);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Flyway.configure(SqliteFiles.class.getClassLoader())
                .dataSource(dataSource)
                .locations(migrations)
                .callbacks(callbacks)
                .load()
                .migrate();
        return dataSource;
    }
}
