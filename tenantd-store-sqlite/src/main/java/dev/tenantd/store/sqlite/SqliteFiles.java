package dev.tenantd.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * How every embedded database file is opened: WAL journal, foreign keys enforced, a 10 s busy
 * timeout, and its schema migrated with Flyway before first use. A new file is readable by its
 * owner only. The platform's own database syncs every commit to the disk (an answered change
 * survives a power cut; it is written rarely). KV, written by every tenant's workers through one
 * file, and the invocation records sync at checkpoints only: a power cut (not a crash of the
 * server) may take their last changes, where a sync per write would bound all tenants' writes
 * together to what the disk syncs in a second.
 */
final class SqliteFiles {
    private SqliteFiles() {
    }

    /** The platform's own database, {@code tenantd.db} in {@code dataDir}, migrated. */
    static SQLiteDataSource tenantd(Path dataDir) throws Exception {
        return migrated(dataDir.resolve("tenantd.db"), "classpath:db/tenantd/sqlite", SQLiteConfig.SynchronousMode.FULL,
                new DuplicateVersionNumbers());
    }

    /** The KV database, {@code kv.sqlite} in {@code dataDir}, migrated. */
    static SQLiteDataSource kv(Path dataDir) throws Exception {
        return migrated(dataDir.resolve("kv.sqlite"), "classpath:db/kv/sqlite", SQLiteConfig.SynchronousMode.NORMAL);
    }

    /**
     * A data source for {@code file} (its directory created if needed) whose schema is migrated
     * from {@code migrations}, with {@code callbacks} around the migrations; {@code sync} says
     * when a commit reaches the disk.
     */
    static SQLiteDataSource migrated(Path file, String migrations, SQLiteConfig.SynchronousMode sync,
            Callback... callbacks) throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        dev.tenantd.platform.store.OwnerOnlyFiles.ensure(file);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(sync);
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
