package dev.tenantd.platform.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Database files of tenants' data (the platform's store, KV, D1, the cache index, invocation
 * records) are made readable by their owner only, whatever the process's umask and the data
 * directory's mode: SQLite gives a database's journal files the mode of the database file.
 */
public final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    /** Creates {@code file} empty and owner-only if it does not exist yet; an existing one is left as it is. */
    public static void createIfAbsent(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            // made meanwhile by another opener: as for an existing one
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX permissions on this file system: SQLite creates it as usual
        }
    }
}
