package dev.tenantd.platform.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database files of tenants' data (the platform's store, KV, D1, the cache index, invocation
 * records) are readable by their owner only, whatever the process's umask and the data
 * directory's mode: SQLite gives a database's journal files the mode of the database file.
 */
public final class OwnerOnlyFiles {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnlyFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {
    }

    /**
     * Creates the database file {@code file} empty and owner-only if it does not exist yet; an
     * existing one (made by an earlier version, or by hand) and its journals are made owner-only.
     */
    public static void ensure(Path file) throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                return;
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile by another opener: as for an existing one
            } catch (UnsupportedOperationException notPosix) {
                return; // no POSIX permissions on this file system: SQLite creates it as usual
            }
        }
        tighten(file);
    }

    /** Makes an existing database file and its journals owner-only; creates nothing. */
    public static void tighten(Path file) throws IOException {
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
            tightenOne(file.resolveSibling(file.getFileName() + suffix));
        }
    }

    /**
     * Makes one existing file owner-only, saying so when others could read it; a file that is not
     * there, or cannot be changed (another user's, a read-only mount: with a warning), is left.
     */
    public static void tightenOne(Path file) throws IOException {
        try {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(now)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                LOG.warn("{} could be read by other users ({}); it is readable by its owner only now", file,
                        PosixFilePermissions.toString(now));
            }
        } catch (java.nio.file.NoSuchFileException | UnsupportedOperationException absentOrNotPosix) {
            // no such journal, or no POSIX permissions here
        } catch (java.nio.file.FileSystemException cannot) {
            // Another user's file, a read-only mount: opening it goes on as before this check.
            LOG.warn("{} may be readable by other users and cannot be made owner-only: {}", file, cannot.toString());
        }
    }
}
